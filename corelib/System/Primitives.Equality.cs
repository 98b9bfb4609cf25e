// Equality, hashing and ordering of the primitive types, with .NET's results (the hash codes are
// .NET's too). IEquatable<T> and IComparable<T> let EqualityComparer<T>.Default and
// Comparer<T>.Default compare them without boxing; Equals(object) and CompareTo(object) serve boxed
// values (`object a = 5, b = 5; a.Equals(b)` is true, as in .NET). Written out per type: each is a
// handful of one-line members on a different field type.

namespace System
{
    public partial struct Boolean : IEquatable<bool>, IComparable<bool>, IComparable
    {
        public bool Equals(bool obj) => m_value == obj;
        public override bool Equals(object obj) => obj is bool other && m_value == other;
        public override int GetHashCode() => m_value ? 1 : 0;
        public int CompareTo(bool value) => m_value == value ? 0 : (m_value ? 1 : -1);
        public int CompareTo(object value)
        {
            if (value == null) return 1;
            if (!(value is bool)) Collections.Generic.CollectionThrowHelper.WrongType();
            return CompareTo((bool)value);
        }
    }

    public partial struct Char : IEquatable<char>, IComparable<char>, IComparable
    {
        public bool Equals(char obj) => m_value == obj;
        public override bool Equals(object obj) => obj is char other && m_value == other;
        public override int GetHashCode() => (int)m_value | ((int)m_value << 16);
        public int CompareTo(char value) => m_value < value ? -1 : (m_value > value ? 1 : 0);
        public int CompareTo(object value)
        {
            if (value == null) return 1;
            if (!(value is char)) Collections.Generic.CollectionThrowHelper.WrongType();
            return CompareTo((char)value);
        }
    }

    public partial struct SByte : IEquatable<sbyte>, IComparable<sbyte>, IComparable
    {
        public bool Equals(sbyte obj) => m_value == obj;
        public override bool Equals(object obj) => obj is sbyte other && m_value == other;
        public override int GetHashCode() => m_value;
        public int CompareTo(sbyte value) => m_value < value ? -1 : (m_value > value ? 1 : 0);
        public int CompareTo(object value)
        {
            if (value == null) return 1;
            if (!(value is sbyte)) Collections.Generic.CollectionThrowHelper.WrongType();
            return CompareTo((sbyte)value);
        }
    }

    public partial struct Byte : IEquatable<byte>, IComparable<byte>, IComparable
    {
        public bool Equals(byte obj) => m_value == obj;
        public override bool Equals(object obj) => obj is byte other && m_value == other;
        public override int GetHashCode() => m_value;
        public int CompareTo(byte value) => m_value < value ? -1 : (m_value > value ? 1 : 0);
        public int CompareTo(object value)
        {
            if (value == null) return 1;
            if (!(value is byte)) Collections.Generic.CollectionThrowHelper.WrongType();
            return CompareTo((byte)value);
        }
    }

    public partial struct Int16 : IEquatable<short>, IComparable<short>, IComparable
    {
        public bool Equals(short obj) => m_value == obj;
        public override bool Equals(object obj) => obj is short other && m_value == other;
        public override int GetHashCode() => m_value;
        public int CompareTo(short value) => m_value < value ? -1 : (m_value > value ? 1 : 0);
        public int CompareTo(object value)
        {
            if (value == null) return 1;
            if (!(value is short)) Collections.Generic.CollectionThrowHelper.WrongType();
            return CompareTo((short)value);
        }
    }

    public partial struct UInt16 : IEquatable<ushort>, IComparable<ushort>, IComparable
    {
        public bool Equals(ushort obj) => m_value == obj;
        public override bool Equals(object obj) => obj is ushort other && m_value == other;
        public override int GetHashCode() => m_value;
        public int CompareTo(ushort value) => m_value < value ? -1 : (m_value > value ? 1 : 0);
        public int CompareTo(object value)
        {
            if (value == null) return 1;
            if (!(value is ushort)) Collections.Generic.CollectionThrowHelper.WrongType();
            return CompareTo((ushort)value);
        }
    }

    public partial struct Int32 : IEquatable<int>, IComparable<int>, IComparable
    {
        public bool Equals(int obj) => m_value == obj;
        public override bool Equals(object obj) => obj is int other && m_value == other;
        public override int GetHashCode() => m_value;
        public int CompareTo(int value) => m_value < value ? -1 : (m_value > value ? 1 : 0);
        public int CompareTo(object value)
        {
            if (value == null) return 1;
            if (!(value is int)) Collections.Generic.CollectionThrowHelper.WrongType();
            return CompareTo((int)value);
        }
    }

    public partial struct UInt32 : IEquatable<uint>, IComparable<uint>, IComparable
    {
        public bool Equals(uint obj) => m_value == obj;
        public override bool Equals(object obj) => obj is uint other && m_value == other;
        public override int GetHashCode() => (int)m_value;
        public int CompareTo(uint value) => m_value < value ? -1 : (m_value > value ? 1 : 0);
        public int CompareTo(object value)
        {
            if (value == null) return 1;
            if (!(value is uint)) Collections.Generic.CollectionThrowHelper.WrongType();
            return CompareTo((uint)value);
        }
    }

    public partial struct Int64 : IEquatable<long>, IComparable<long>, IComparable
    {
        public bool Equals(long obj) => m_value == obj;
        public override bool Equals(object obj) => obj is long other && m_value == other;
        public override int GetHashCode() => (int)m_value ^ (int)(m_value >> 32);
        public int CompareTo(long value) => m_value < value ? -1 : (m_value > value ? 1 : 0);
        public int CompareTo(object value)
        {
            if (value == null) return 1;
            if (!(value is long)) Collections.Generic.CollectionThrowHelper.WrongType();
            return CompareTo((long)value);
        }
    }

    public partial struct UInt64 : IEquatable<ulong>, IComparable<ulong>, IComparable
    {
        public bool Equals(ulong obj) => m_value == obj;
        public override bool Equals(object obj) => obj is ulong other && m_value == other;
        public override int GetHashCode() => (int)m_value ^ (int)(m_value >> 32);
        public int CompareTo(ulong value) => m_value < value ? -1 : (m_value > value ? 1 : 0);
        public int CompareTo(object value)
        {
            if (value == null) return 1;
            if (!(value is ulong)) Collections.Generic.CollectionThrowHelper.WrongType();
            return CompareTo((ulong)value);
        }
    }

    public unsafe partial struct IntPtr : IEquatable<nint>
    {
        public bool Equals(nint other) => (nint)_value == other;
        public override bool Equals(object obj) => obj is nint other && (nint)_value == other;
        public override int GetHashCode() => ((long)_value).GetHashCode();
    }

    public unsafe partial struct UIntPtr : IEquatable<nuint>
    {
        public bool Equals(nuint other) => (nuint)_value == other;
        public override bool Equals(object obj) => obj is nuint other && (nuint)_value == other;
        public override int GetHashCode() => ((ulong)_value).GetHashCode();
    }
}
