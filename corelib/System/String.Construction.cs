// `new string(...)`. In NativeAOT a string's constructors are declared but have no bodies: ilc
// compiles `newobj String::.ctor(args)` as a call to the static `Ctor(args)` with the same
// parameters, which allocates and returns the string (a string's size depends on its contents).
using System.Runtime.CompilerServices;

namespace System
{
    public sealed partial class String
    {
        [MethodImpl(MethodImplOptions.InternalCall)]
        public extern String(char c, int count);

        [MethodImpl(MethodImplOptions.InternalCall)]
        public extern String(char[] value);

        [MethodImpl(MethodImplOptions.InternalCall)]
        public extern String(char[] value, int startIndex, int length);

        [MethodImpl(MethodImplOptions.InternalCall)]
        public extern String(ReadOnlySpan<char> value);

        [MethodImpl(MethodImplOptions.InternalCall)]
        public extern unsafe String(char* value, int startIndex, int length);

        private static string Ctor(char c, int count)
        {
            if (count < 0) Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArgumentOutOfRangeException();
            string result = FastAllocateString(count);
            if (count != 0) result.RawChars.Fill(c);
            return result;
        }

        private static string Ctor(char[] value) => value is null ? Empty : Ctor(new ReadOnlySpan<char>(value));

        private static string Ctor(char[] value, int startIndex, int length) =>
            Ctor(new ReadOnlySpan<char>(value, startIndex, length));

        private static string Ctor(ReadOnlySpan<char> value)
        {
            string result = FastAllocateString(value.Length);
            if (value.Length != 0) value.CopyTo(result.RawChars);
            return result;
        }

        private static unsafe string Ctor(char* value, int startIndex, int length) =>
            Ctor(new ReadOnlySpan<char>(value + startIndex, length));

        /// <summary>Allocates a string of `length` characters and lets `action` write them.</summary>
        public static string Create<TState>(int length, TState state, System.Buffers.SpanAction<char, TState> action)
        {
            string result = FastAllocateString(length);
            if (length != 0) action(result.RawChars, state);
            return result;
        }
    }
}

namespace System.Buffers
{
    public delegate void SpanAction<T, in TArg>(Span<T> span, TArg arg);
}
