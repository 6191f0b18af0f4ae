Console.WriteLine("sfnn");
