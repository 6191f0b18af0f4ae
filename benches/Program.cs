// BenchmarkDotNet suite: sampling kernels beside their scalar references, the matrix products at
// the training step's shapes (with GFLOP/s), and whole training steps. Short jobs, in process:
//   dotnet run -c Release --project benches -- --filter '*Kernel*'     (or '*Product*', '*Step*')
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(SimdSfnn.Benches.ShortJob).Assembly).Run(args, new SimdSfnn.Benches.ShortJob());
