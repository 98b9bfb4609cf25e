// Targets of the checks compiled code makes (bounds, overflow, casts). There is no unwinder, so
// each one fails fast with the reason: in the kernel that is a panic with a backtrace, in a user
// program it ends the process.
using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime;

namespace Internal.Runtime.CompilerHelpers
{
    internal static class ThrowHelpers
    {
        [DoesNotReturn] public static void ThrowIndexOutOfRangeException() => Environment.FailFast("index out of range");
        [DoesNotReturn] public static void ThrowNullReferenceException() => Environment.FailFast("null reference");
        [DoesNotReturn] public static void ThrowDivideByZeroException() => Environment.FailFast("divide by zero");
        [DoesNotReturn] public static void ThrowOverflowException() => Environment.FailFast("arithmetic overflow");
        [DoesNotReturn] public static void ThrowArrayTypeMismatchException() => Environment.FailFast("array type mismatch");
        [DoesNotReturn] public static void ThrowInvalidCastException() => Environment.FailFast("invalid cast");
        [DoesNotReturn] public static void ThrowArgumentException() => Environment.FailFast("bad argument");
        [DoesNotReturn] public static void ThrowArgumentOutOfRangeException() => Environment.FailFast("argument out of range");
        [DoesNotReturn] public static void ThrowPlatformNotSupportedException() => Environment.FailFast("platform not supported");
        [DoesNotReturn] public static void ThrowNotImplementedException() => Environment.FailFast("not implemented");
        [DoesNotReturn] public static void ThrowInvalidProgramException() => Environment.FailFast("invalid program");
        [DoesNotReturn] public static void ThrowInvalidProgramExceptionWithArgument(int id, IntPtr method) => Environment.FailFast("invalid program");
        [DoesNotReturn] public static void ThrowTypeLoadException() => Environment.FailFast("type load failure");
        [DoesNotReturn] public static void ThrowTypeLoadExceptionWithArgument(int id, IntPtr className, IntPtr typeName, IntPtr message) => Environment.FailFast("type load failure");
        [DoesNotReturn] public static void ThrowMissingMethodException(int id, IntPtr methodName) => Environment.FailFast("missing method");
        [DoesNotReturn] public static void ThrowMissingFieldException(int id, IntPtr fieldName) => Environment.FailFast("missing field");
        [DoesNotReturn] public static void ThrowFileNotFoundException(int id, IntPtr fileName) => Environment.FailFast("file not found");
        [DoesNotReturn] public static void ThrowBadImageFormatException(int id) => Environment.FailFast("bad image format");
        [DoesNotReturn] public static void ThrowMarshalDirectiveException(int id) => Environment.FailFast("marshal directive");
        [DoesNotReturn] public static void ThrowAmbiguousMatchException(int id) => Environment.FailFast("ambiguous match");
        [DoesNotReturn] public static void ThrowFeatureBodyRemoved() => Environment.FailFast("feature body removed");
        [DoesNotReturn] public static void ThrowFormatException() => Environment.FailFast("bad format string");
        [DoesNotReturn] public static void ThrowUnavailableType() => Environment.FailFast("unavailable type");
    }

    internal static class ExceptionHandling
    {
        // `throw`: RhpThrowEx (Runtime.S) passes the return address into the throwing method and that
        // method's frame pointer. There is no unwinder, so the program ends here: the runtime's hook
        // reports the exception and where it was thrown; without one (the kernel) it fails fast.
        [RuntimeExport("vireo_throw")]
        private static unsafe void Throw(object exception, nuint returnAddress, nuint framePointer)
        {
            if (RuntimeHooks.Throw != null) RuntimeHooks.Throw(exception, returnAddress, framePointer);
            Environment.FailFast(exception is Exception e ? e.Message : "exception thrown (no unwinder)");
        }

        // A stack cookie check failed: the frame was overwritten.
        [RuntimeExport("RhpFallbackFailFast")]
        private static void RhpFallbackFailFast() => Environment.FailFast("stack cookie corrupted");

        [RuntimeExport("RhpRethrow")]
        private static void RhpRethrow() => Environment.FailFast("exception rethrown (no unwinder)");
    }

    internal static unsafe class InteropHelpers
    {
        // Reverse P/Invoke transitions matter only to a GC; there is none.
        [RuntimeExport("RhpReversePInvoke")]
        private static void RhpReversePInvoke(void* frame) { }

        [RuntimeExport("RhpReversePInvokeReturn")]
        private static void RhpReversePInvokeReturn(void* frame) { }

        [RuntimeExport("RhpPInvoke")]
        private static void RhpPInvoke(void* frame) { }

        [RuntimeExport("RhpPInvokeReturn")]
        private static void RhpPInvokeReturn(void* frame) { }
    }
}
