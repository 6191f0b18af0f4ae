namespace SimdSfnn.Cli.Lab;
public static class LabCommand { public static int Run(string[] a) => 0; }
