// Equality, hashing and ordering of the primitive types, with .NET's results (the hash codes are
// .NET's too). IEquatable<T> and IComparable<T> let EqualityComparer<T>.Default and
// Comparer<T>.Default compare them without boxing; Equals(object) and CompareTo(object) serve boxed
// values. Written out per type: each is a handful of one-line members on a different field type.
using System.Runtime.CompilerServices;

namespace System
{
    internal static class Boxed
    {
        /// <summary>The value inside a box already checked to hold a T (reads it in place, so these
        /// members need no unboxing helper from the runtime).</summary>
        internal static T Value<T>(object box) where T : struct => Unsafe.As<byte, T>(ref Unsafe.As<RawData>(box).Data);
    }

    public partial struct Boolean : IEquatable<bool>, IComparable<bool>, IComparable
    {
        public bool Equals(bool obj) => m_value == obj;
        public override bool Equals(object obj) => obj is bool && m_value == Boxed.Value<bool>(obj);
        public override int GetHashCode() => m_value ? 1 : 0;
        public int CompareTo(bool value) => m_value == value ? 0 : (m_value ? 1 : -1);
        public int CompareTo(object value)
        {
            if (value == null) return 1;
            if (!(value is bool)) Collections.Generic.CollectionThrowHelper.WrongType();
            return CompareTo(Boxed.Value<bool>(value));
        }
    }

    public partial struct Char : IEquatable<char>, IComparable<char>, IComparable
    {
        public bool Equals(char obj) => m_value == obj;
        public override bool Equals(object obj) => obj is char && m_value == Boxed.Value<char>(obj);
        public override int GetHashCode() => (int)m_value | ((int)m_value << 16);
        public int CompareTo(char value) => m_value < value ? -1 : (m_value > value ? 1 : 0);
        public int CompareTo(object value)
        {
            if (value == null) return 1;
            if (!(value is char)) Collections.Generic.CollectionThrowHelper.WrongType();
            return CompareTo(Boxed.Value<char>(value));
        }
    }

    public partial struct SByte : IEquatable<sbyte>, IComparable<sbyte>, IComparable
    {
        public bool Equals(sbyte obj) => m_value == obj;
        public override bool Equals(object obj) => obj is sbyte && m_value == Boxed.Value<sbyte>(obj);
        public override int GetHashCode() => m_value;
        public int CompareTo(sbyte value) => m_value < value ? -1 : (m_value > value ? 1 : 0);
        public int CompareTo(object value)
        {
            if (value == null) return 1;
            if (!(value is sbyte)) Collections.Generic.CollectionThrowHelper.WrongType();
            return CompareTo(Boxed.Value<sbyte>(value));
        }
    }

    public partial struct Byte : IEquatable<byte>, IComparable<byte>, IComparable
    {
        public bool Equals(byte obj) => m_value == obj;
        public override bool Equals(object obj) => obj is byte && m_value == Boxed.Value<byte>(obj);
        public override int GetHashCode() => m_value;
        public int CompareTo(byte value) => m_value < value ? -1 : (m_value > value ? 1 : 0);
        public int CompareTo(object value)
        {
            if (value == null) return 1;
            if (!(value is byte)) Collections.Generic.CollectionThrowHelper.WrongType();
            return CompareTo(Boxed.Value<byte>(value));
        }
    }

    public partial struct Int16 : IEquatable<short>, IComparable<short>, IComparable
    {
        public bool Equals(short obj) => m_value == obj;
        public override bool Equals(object obj) => obj is short && m_value == Boxed.Value<short>(obj);
        public override int GetHashCode() => m_value;
        public int CompareTo(short value) => m_value < value ? -1 : (m_value > value ? 1 : 0);
        public int CompareTo(object value)
        {
            if (value == null) return 1;
            if (!(value is short)) Collections.Generic.CollectionThrowHelper.WrongType();
            return CompareTo(Boxed.Value<short>(value));
        }
    }

    public partial struct UInt16 : IEquatable<ushort>, IComparable<ushort>, IComparable
    {
        public bool Equals(ushort obj) => m_value == obj;
        public override bool Equals(object obj) => obj is ushort && m_value == Boxed.Value<ushort>(obj);
        public override int GetHashCode() => m_value;
        public int CompareTo(ushort value) => m_value < value ? -1 : (m_value > value ? 1 : 0);
        public int CompareTo(object value)
        {
            if (value == null) return 1;
            if (!(value is ushort)) Collections.Generic.CollectionThrowHelper.WrongType();
            return CompareTo(Boxed.Value<ushort>(value));
        }
    }

    public partial struct Int32 : IEquatable<int>, IComparable<int>, IComparable
    {
        public bool Equals(int obj) => m_value == obj;
        public override bool Equals(object obj) => obj is int && m_value == Boxed.Value<int>(obj);
        public override int GetHashCode() => m_value;
        public int CompareTo(int value) => m_value < value ? -1 : (m_value > value ? 1 : 0);
        public int CompareTo(object value)
        {
            if (value == null) return 1;
            if (!(value is int)) Collections.Generic.CollectionThrowHelper.WrongType();
            return CompareTo(Boxed.Value<int>(value));
        }
    }

    public partial struct UInt32 : IEquatable<uint>, IComparable<uint>, IComparable
    {
        public bool Equals(uint obj) => m_value == obj;
        public override bool Equals(object obj) => obj is uint && m_value == Boxed.Value<uint>(obj);
        public override int GetHashCode() => (int)m_value;
        public int CompareTo(uint value) => m_value < value ? -1 : (m_value > value ? 1 : 0);
        public int CompareTo(object value)
        {
            if (value == null) return 1;
            if (!(value is uint)) Collections.Generic.CollectionThrowHelper.WrongType();
            return CompareTo(Boxed.Value<uint>(value));
        }
    }

    public partial struct Int64 : IEquatable<long>, IComparable<long>, IComparable
    {
        public bool Equals(long obj) => m_value == obj;
        public override bool Equals(object obj) => obj is long && m_value == Boxed.Value<long>(obj);
        public override int GetHashCode() => (int)m_value ^ (int)(m_value >> 32);
        public int CompareTo(long value) => m_value < value ? -1 : (m_value > value ? 1 : 0);
        public int CompareTo(object value)
        {
            if (value == null) return 1;
            if (!(value is long)) Collections.Generic.CollectionThrowHelper.WrongType();
            return CompareTo(Boxed.Value<long>(value));
        }
    }

    public partial struct UInt64 : IEquatable<ulong>, IComparable<ulong>, IComparable
    {
        public bool Equals(ulong obj) => m_value == obj;
        public override bool Equals(object obj) => obj is ulong && m_value == Boxed.Value<ulong>(obj);
        public override int GetHashCode() => (int)m_value ^ (int)(m_value >> 32);
        public int CompareTo(ulong value) => m_value < value ? -1 : (m_value > value ? 1 : 0);
        public int CompareTo(object value)
        {
            if (value == null) return 1;
            if (!(value is ulong)) Collections.Generic.CollectionThrowHelper.WrongType();
            return CompareTo(Boxed.Value<ulong>(value));
        }
    }

    public unsafe partial struct IntPtr : IEquatable<nint>
    {
        public bool Equals(nint other) => (nint)_value == other;
        public override bool Equals(object obj) => obj is nint && (nint)_value == Boxed.Value<nint>(obj);
        public override int GetHashCode() => ((long)_value).GetHashCode();
    }

    public unsafe partial struct UIntPtr : IEquatable<nuint>
    {
        public bool Equals(nuint other) => (nuint)_value == other;
        public override bool Equals(object obj) => obj is nuint && (nuint)_value == Boxed.Value<nuint>(obj);
        public override int GetHashCode() => ((ulong)_value).GetHashCode();
    }
}
