// Primitive value types. They carry no behaviour beyond what portable kernel code uses.
namespace System
{
    public partial struct Boolean { private readonly bool m_value; }
    public partial struct Char { private readonly char m_value; public const char MaxValue = (char)0xFFFF; }
    public partial struct SByte { private readonly sbyte m_value; public const sbyte MaxValue = 127; public const sbyte MinValue = -128; }
    public partial struct Byte { private readonly byte m_value; public const byte MaxValue = 255; public const byte MinValue = 0; }
    public partial struct Int16 { private readonly short m_value; public const short MaxValue = 32767; public const short MinValue = -32768; }
    public partial struct UInt16 { private readonly ushort m_value; public const ushort MaxValue = 65535; public const ushort MinValue = 0; }
    public partial struct Int32 { private readonly int m_value; public const int MaxValue = 0x7FFFFFFF; public const int MinValue = unchecked((int)0x80000000); }
    public partial struct UInt32 { private readonly uint m_value; public const uint MaxValue = 0xFFFFFFFF; public const uint MinValue = 0; }
    public partial struct Int64 { private readonly long m_value; public const long MaxValue = 0x7FFFFFFFFFFFFFFF; public const long MinValue = unchecked((long)0x8000000000000000); }
    public partial struct UInt64 { private readonly ulong m_value; public const ulong MaxValue = 0xFFFFFFFFFFFFFFFF; public const ulong MinValue = 0; }
    public partial struct Single { private readonly float m_value; }
    public partial struct Double { private readonly double m_value; }

    public unsafe partial struct IntPtr
    {
        private readonly void* _value;
        public static readonly IntPtr Zero;
        public IntPtr(void* value) { _value = value; }
        public IntPtr(long value) { _value = (void*)value; }
        public static int Size => sizeof(void*);
        public void* ToPointer() => _value;
        public static explicit operator IntPtr(void* value) => new IntPtr(value);
        public static explicit operator void*(IntPtr value) => value._value;
        public static explicit operator long(IntPtr value) => (long)value._value;
        public static explicit operator IntPtr(long value) => new IntPtr(value);
    }

    public unsafe partial struct UIntPtr
    {
        private readonly void* _value;
        public UIntPtr(void* value) { _value = value; }
        public static explicit operator UIntPtr(void* value) => new UIntPtr(value);
        public static explicit operator void*(UIntPtr value) => value._value;
    }
}
