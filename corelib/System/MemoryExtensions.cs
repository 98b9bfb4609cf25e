// Span searching and comparison (the MemoryExtensions subset that string and user code use).
// Generic helpers compare through IEquatable-free paths: char spans get their own overloads, and
// the generic ones are constrained to unmanaged types compared bytewise, which is what .NET's
// vectorised paths do for primitives. AsSpan(string) must not convert the string to a span
// implicitly (C# 14 would pick AsSpan itself and recurse), so it builds the span by hand.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace System
{
    public static class MemoryExtensions
    {
        public static ReadOnlySpan<char> AsSpan(this string text)
        {
            if (text is null) return default;
            return new ReadOnlySpan<char>(ref Unsafe.AsRef(in text.GetPinnableReference()), text.Length);
        }

        public static ReadOnlySpan<char> AsSpan(this string text, int start)
        {
            if (text is null)
            {
                if (start != 0) Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArgumentOutOfRangeException();
                return default;
            }
            return AsSpan(text).Slice(start);
        }

        public static ReadOnlySpan<char> AsSpan(this string text, int start, int length)
        {
            if (text is null)
            {
                if (start != 0 || length != 0) Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArgumentOutOfRangeException();
                return default;
            }
            return AsSpan(text).Slice(start, length);
        }

        public static Span<T> AsSpan<T>(this T[] array) => new Span<T>(array);
        public static Span<T> AsSpan<T>(this T[] array, int start) => new Span<T>(array).Slice(start);
        public static Span<T> AsSpan<T>(this T[] array, int start, int length) => new Span<T>(array, start, length);

        public static int IndexOf(this ReadOnlySpan<char> span, char value)
        {
            for (int i = 0; i < span.Length; i++) if (span[i] == value) return i;
            return -1;
        }

        public static int IndexOf(this Span<char> span, char value) => IndexOf((ReadOnlySpan<char>)span, value);

        public static int LastIndexOf(this ReadOnlySpan<char> span, char value)
        {
            for (int i = span.Length - 1; i >= 0; i--) if (span[i] == value) return i;
            return -1;
        }

        public static int IndexOf(this ReadOnlySpan<char> span, ReadOnlySpan<char> value)
        {
            if (value.Length == 0) return 0;
            for (int i = 0; i + value.Length <= span.Length; i++)
                if (span[i] == value[0] && span.Slice(i, value.Length).SequenceEqual(value)) return i;
            return -1;
        }

        public static int LastIndexOf(this ReadOnlySpan<char> span, ReadOnlySpan<char> value)
        {
            if (value.Length == 0) return span.Length;
            for (int i = span.Length - value.Length; i >= 0; i--)
                if (span.Slice(i, value.Length).SequenceEqual(value)) return i;
            return -1;
        }

        public static int IndexOfAny(this ReadOnlySpan<char> span, char value0, char value1)
        {
            for (int i = 0; i < span.Length; i++) if (span[i] == value0 || span[i] == value1) return i;
            return -1;
        }

        public static bool Contains(this ReadOnlySpan<char> span, char value) => IndexOf(span, value) >= 0;

        public static bool SequenceEqual(this ReadOnlySpan<char> span, ReadOnlySpan<char> other) =>
            span.Length == other.Length && SpanHelpers.SequenceEqual(
                ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(span)),
                ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(other)), (nuint)span.Length * sizeof(char));

        public static bool SequenceEqual(this Span<char> span, ReadOnlySpan<char> other) => SequenceEqual((ReadOnlySpan<char>)span, other);

        public static bool SequenceEqual(this ReadOnlySpan<byte> span, ReadOnlySpan<byte> other) =>
            span.Length == other.Length && SpanHelpers.SequenceEqual(
                ref MemoryMarshal.GetReference(span), ref MemoryMarshal.GetReference(other), (nuint)span.Length);

        public static bool SequenceEqual(this Span<byte> span, ReadOnlySpan<byte> other) => SequenceEqual((ReadOnlySpan<byte>)span, other);

        public static bool SequenceEqual(this ReadOnlySpan<int> span, ReadOnlySpan<int> other) =>
            span.Length == other.Length && SpanHelpers.SequenceEqual(
                ref Unsafe.As<int, byte>(ref MemoryMarshal.GetReference(span)),
                ref Unsafe.As<int, byte>(ref MemoryMarshal.GetReference(other)), (nuint)span.Length * sizeof(int));

        public static int SequenceCompareTo(this ReadOnlySpan<char> span, ReadOnlySpan<char> other)
        {
            int n = span.Length < other.Length ? span.Length : other.Length;
            for (int i = 0; i < n; i++)
            {
                int d = span[i] - other[i];
                if (d != 0) return d;
            }
            return span.Length - other.Length;
        }

        public static bool StartsWith(this ReadOnlySpan<char> span, ReadOnlySpan<char> value) =>
            value.Length <= span.Length && span.Slice(0, value.Length).SequenceEqual(value);

        public static bool EndsWith(this ReadOnlySpan<char> span, ReadOnlySpan<char> value) =>
            value.Length <= span.Length && span.Slice(span.Length - value.Length).SequenceEqual(value);

        public static bool StartsWith(this ReadOnlySpan<byte> span, ReadOnlySpan<byte> value) =>
            value.Length <= span.Length && span.Slice(0, value.Length).SequenceEqual(value);

        public static ReadOnlySpan<char> Trim(this ReadOnlySpan<char> span) => TrimStart(TrimEnd(span));

        public static ReadOnlySpan<char> TrimStart(this ReadOnlySpan<char> span)
        {
            int start = 0;
            while (start < span.Length && char.IsWhiteSpace(span[start])) start++;
            return span.Slice(start);
        }

        public static ReadOnlySpan<char> TrimEnd(this ReadOnlySpan<char> span)
        {
            int end = span.Length;
            while (end > 0 && char.IsWhiteSpace(span[end - 1])) end--;
            return span.Slice(0, end);
        }
    }
}
