// Making strings: the one place that knows a string is allocated like a char array (length, then
// UTF-16 units and a terminating zero the allocator's zeroed memory provides). Every API that
// builds a string (concatenation, formatting, StringBuilder) starts from FastAllocateString.
namespace System
{
    public sealed partial class String
    {
        internal static unsafe string FastAllocateString(int length)
        {
            if (length == 0) return "";
            // Any string literal carries the String MethodTable; ilc emits it as a frozen object.
            Internal.Runtime.MethodTable* type = "".m_pEEType;
            return System.Runtime.CompilerServices.Unsafe.As<string>(
                Internal.Runtime.CompilerHelpers.Allocation.NewArray(type, length));
        }
    }
}
