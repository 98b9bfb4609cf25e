// ldtoken results, which ilc computes by calling these by name. In Vireo's programs ldtoken appears
// only in front of RuntimeHelpers.InitializeArray/CreateSpan (array and span initialisers), which ilc
// then expands into a copy from the image; the handle itself is never used. There is no reflection,
// so a Type object cannot be made.
using System;

namespace Internal.Runtime.CompilerHelpers
{
    internal static class LdTokenHelpers
    {
        private static RuntimeTypeHandle GetRuntimeTypeHandle(IntPtr pEEType) => new RuntimeTypeHandle(pEEType);

        private static RuntimeMethodHandle GetRuntimeMethodHandle(IntPtr pHandleSignature) => new RuntimeMethodHandle(pHandleSignature);

        private static RuntimeFieldHandle GetRuntimeFieldHandle(IntPtr pHandleSignature) => new RuntimeFieldHandle(pHandleSignature);

        private static Type GetRuntimeType(IntPtr pEEType)
        {
            Environment.FailFast("typeof is not supported (no reflection)");
            return null;
        }
    }
}
