// A plain .NET console program: nothing in it knows about Vireo. Published with NativeAOT for
// linux-x64 as a static executable, it runs on Vireo's Linux personality (samples/README.md).
Console.WriteLine("Hello from .NET " + Environment.Version + " on " + System.Runtime.InteropServices.RuntimeInformation.OSDescription);
Console.WriteLine("args: " + string.Join(" ", args));
