// Span<T> and ReadOnlySpan<T>: the subset portable kernel code uses (construction, indexing,
// slicing, length). Bounds are always checked; a failed check is a kernel panic, not an exception.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Internal.Runtime.CompilerHelpers;

namespace System
{
    public readonly ref struct Span<T>
    {
        internal readonly ref T _reference;
        private readonly int _length;

        public Span(T[] array)
        {
            if (array == null) { this = default; return; }
            _reference = ref MemoryMarshal.GetArrayDataReference(array);
            _length = array.Length;
        }

        public Span(T[] array, int start, int length)
        {
            if ((ulong)(uint)start + (ulong)(uint)length > (ulong)(uint)array.Length)
                ThrowHelpers.ThrowArgumentOutOfRangeException();
            _reference = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), (nint)(uint)start);
            _length = length;
        }

        public unsafe Span(void* pointer, int length)
        {
            if (length < 0) ThrowHelpers.ThrowArgumentOutOfRangeException();
            _reference = ref Unsafe.As<byte, T>(ref *(byte*)pointer);
            _length = length;
        }

        internal Span(ref T reference, int length)
        {
            _reference = ref reference;
            _length = length;
        }

        public int Length => _length;
        public bool IsEmpty => _length == 0;
        public static Span<T> Empty => default;

        public ref T this[int index]
        {
            get
            {
                if ((uint)index >= (uint)_length) ThrowHelpers.ThrowIndexOutOfRangeException();
                return ref Unsafe.Add(ref _reference, (nint)(uint)index);
            }
        }

        public Span<T> Slice(int start)
        {
            if ((uint)start > (uint)_length) ThrowHelpers.ThrowArgumentOutOfRangeException();
            return new Span<T>(ref Unsafe.Add(ref _reference, (nint)(uint)start), _length - start);
        }

        public Span<T> Slice(int start, int length)
        {
            if ((ulong)(uint)start + (ulong)(uint)length > (ulong)(uint)_length)
                ThrowHelpers.ThrowArgumentOutOfRangeException();
            return new Span<T>(ref Unsafe.Add(ref _reference, (nint)(uint)start), length);
        }

        public ref T GetPinnableReference() => ref (_length != 0 ? ref _reference : ref Unsafe.NullRef<T>());

        public void Clear()
        {
            // Plain data is zeroed with the runtime's string instruction (a loop costs several
            // instructions an element: a 1 KiB disk block's clear cost six thousand).
            if (!RuntimeHelpers.IsReferenceOrContainsReferences<T>())
            {
                SpanHelpers.ClearWithoutReferences(ref Unsafe.As<T, byte>(ref _reference), (nuint)_length * (nuint)Unsafe.SizeOf<T>());
                return;
            }
            for (int i = 0; i < _length; i++) Unsafe.Add(ref _reference, (nint)i) = default;
        }

        public void Fill(T value)
        {
            for (int i = 0; i < _length; i++) Unsafe.Add(ref _reference, (nint)i) = value;
        }

        public void CopyTo(Span<T> destination)
        {
            if ((uint)_length > (uint)destination.Length) ThrowHelpers.ThrowArgumentException();
            ((ReadOnlySpan<T>)this).CopyTo(destination);
        }

        public T[] ToArray() => ((ReadOnlySpan<T>)this).ToArray();

        public bool TryCopyTo(Span<T> destination) => ((ReadOnlySpan<T>)this).TryCopyTo(destination);

        /// <summary>For Span&lt;char&gt; the characters as a string, as in .NET; otherwise the type's name.</summary>
        public override string ToString() => ((ReadOnlySpan<T>)this).ToString();

        public Enumerator GetEnumerator() => new Enumerator(this);

        /// <summary>What `foreach` over a span uses.</summary>
        public ref struct Enumerator
        {
            private readonly Span<T> _span;
            private int _index;

            internal Enumerator(Span<T> span)
            {
                _span = span;
                _index = -1;
            }

            public bool MoveNext() => ++_index < _span.Length;
            public ref T Current => ref _span[_index];
        }

        public static implicit operator Span<T>(T[] array) => new Span<T>(array);
        public static implicit operator ReadOnlySpan<T>(Span<T> span) => new ReadOnlySpan<T>(ref span._reference, span._length);
    }

    public readonly ref struct ReadOnlySpan<T>
    {
        internal readonly ref T _reference;
        private readonly int _length;

        public ReadOnlySpan(T[] array)
        {
            if (array == null) { this = default; return; }
            _reference = ref MemoryMarshal.GetArrayDataReference(array);
            _length = array.Length;
        }

        public ReadOnlySpan(T[] array, int start, int length)
        {
            if ((ulong)(uint)start + (ulong)(uint)length > (ulong)(uint)array.Length)
                ThrowHelpers.ThrowArgumentOutOfRangeException();
            _reference = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), (nint)(uint)start);
            _length = length;
        }

        public unsafe ReadOnlySpan(void* pointer, int length)
        {
            if (length < 0) ThrowHelpers.ThrowArgumentOutOfRangeException();
            _reference = ref Unsafe.As<byte, T>(ref *(byte*)pointer);
            _length = length;
        }

        /// <summary>A span of one element (csc builds these for `string + char`).</summary>
        public ReadOnlySpan(ref readonly T reference)
        {
            _reference = ref Unsafe.AsRef(in reference);
            _length = 1;
        }

        internal ReadOnlySpan(ref T reference, int length)
        {
            _reference = ref reference;
            _length = length;
        }

        public int Length => _length;
        public bool IsEmpty => _length == 0;
        public static ReadOnlySpan<T> Empty => default;

        public ref readonly T this[int index]
        {
            get
            {
                if ((uint)index >= (uint)_length) ThrowHelpers.ThrowIndexOutOfRangeException();
                return ref Unsafe.Add(ref _reference, (nint)(uint)index);
            }
        }

        public ReadOnlySpan<T> Slice(int start)
        {
            if ((uint)start > (uint)_length) ThrowHelpers.ThrowArgumentOutOfRangeException();
            return new ReadOnlySpan<T>(ref Unsafe.Add(ref _reference, (nint)(uint)start), _length - start);
        }

        public ReadOnlySpan<T> Slice(int start, int length)
        {
            if ((ulong)(uint)start + (ulong)(uint)length > (ulong)(uint)_length)
                ThrowHelpers.ThrowArgumentOutOfRangeException();
            return new ReadOnlySpan<T>(ref Unsafe.Add(ref _reference, (nint)(uint)start), length);
        }

        public ref readonly T GetPinnableReference() => ref (_length != 0 ? ref _reference : ref Unsafe.NullRef<T>());

        public void CopyTo(Span<T> destination)
        {
            if ((uint)_length > (uint)destination.Length) ThrowHelpers.ThrowArgumentException();
            // Plain data moves with the runtime's string instructions (Buffer.Memmove, overlap-safe):
            // the element loop below cost six instructions a byte, the whole of a disk read's copies.
            if (!RuntimeHelpers.IsReferenceOrContainsReferences<T>())
            {
                if (_length > 0)
                    SpanHelpers.Memmove(ref Unsafe.As<T, byte>(ref destination._reference), ref Unsafe.As<T, byte>(ref _reference), (nuint)_length * (nuint)Unsafe.SizeOf<T>());
                return;
            }
            // Overlap-safe: copy backwards when the destination starts inside the source.
            if (Unsafe.ByteOffset(ref _reference, ref destination._reference) > 0)
                for (int i = _length - 1; i >= 0; i--)
                    Unsafe.Add(ref destination._reference, (nint)i) = Unsafe.Add(ref _reference, (nint)i);
            else
                for (int i = 0; i < _length; i++)
                    Unsafe.Add(ref destination._reference, (nint)i) = Unsafe.Add(ref _reference, (nint)i);
        }

        public T[] ToArray()
        {
            var array = new T[_length];
            CopyTo(array);
            return array;
        }

        public bool TryCopyTo(Span<T> destination)
        {
            if ((uint)_length > (uint)destination.Length) return false;
            CopyTo(destination);
            return true;
        }

        public override string ToString()
        {
            if (default(T) is char)
                return new string(new ReadOnlySpan<char>(ref Unsafe.As<T, char>(ref _reference), _length));
            return "System.ReadOnlySpan";
        }

        public Enumerator GetEnumerator() => new Enumerator(this);

        /// <summary>What `foreach` over a span uses.</summary>
        public ref struct Enumerator
        {
            private readonly ReadOnlySpan<T> _span;
            private int _index;

            internal Enumerator(ReadOnlySpan<T> span)
            {
                _span = span;
                _index = -1;
            }

            public bool MoveNext() => ++_index < _span.Length;
            public ref readonly T Current => ref _span[_index];
        }

        public static implicit operator ReadOnlySpan<T>(T[] array) => new ReadOnlySpan<T>(array);
    }
}
