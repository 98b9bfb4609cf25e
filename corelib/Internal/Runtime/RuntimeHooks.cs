// The points where the core library calls up into whoever runs it (kernel or user runtime).
namespace Internal.Runtime
{
    public static unsafe class RuntimeHooks
    {
        // Receives a UTF-16 message and never returns.
        public static delegate*<char*, int, void> FailFast;

        // Receives a thrown exception, the return address into the method that threw it and that
        // method's frame pointer, and never returns (there is no unwinder).
        public static delegate*<object, nuint, nuint, void> Throw;
    }
}

namespace System
{
    public static unsafe class Environment
    {
        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        public static void FailFast(string message)
        {
            fixed (char* p = &message.GetPinnableReference())
            {
                if (Internal.Runtime.RuntimeHooks.FailFast != null)
                    Internal.Runtime.RuntimeHooks.FailFast(p, message.Length);
            }
            while (true) { }
        }
    }
}
