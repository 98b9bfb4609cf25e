// The roots of the type system that the C# compiler and ilc require by name.
using Internal.Runtime;

namespace System
{
    public partial class Object
    {
        // The first field of every object: set by the allocator, read by casts and boxing.
        internal unsafe MethodTable* m_pEEType;

        public Object() { }
        ~Object() { }

        public virtual bool Equals(object obj) => ReferenceEquals(this, obj);
        public virtual int GetHashCode() => 0;
        public virtual string ToString() => null;
        public static bool ReferenceEquals(object a, object b) => a == b;

        public static bool Equals(object objA, object objB)
        {
            if (objA == objB) return true;
            return objA != null && objB != null && objA.Equals(objB);
        }
    }

    public abstract partial class ValueType { }
    public abstract class Enum : ValueType { }
    public struct Void { }
    public sealed partial class String
    {
        // Layout fixed by the runtime: length then UTF-16 characters.
        private readonly int _length;
        private char _firstChar;

        public int Length => _length;

        [System.Runtime.CompilerServices.IndexerName("Chars")]
        public unsafe char this[int index]
        {
            get
            {
                if ((uint)index >= (uint)_length)
                    Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowIndexOutOfRangeException();
                fixed (char* p = &_firstChar) return p[index];
            }
        }

        public ref readonly char GetPinnableReference() => ref _firstChar;

        public static bool IsNullOrEmpty(string value) => value == null || value._length == 0;
    }

    public abstract partial class Array
    {
        // Layout fixed by the runtime: the element count follows the MethodTable pointer.
        private readonly int _length;
        public int Length => _length;
    }

    // ilc resolves generic array interfaces through this type.
    public class Array<T> : Array { }

    public abstract partial class Delegate
    {
        internal object _firstParameter;
        internal object _helperObject;
        internal nint _extraFunctionPointerOrData;
        internal IntPtr _functionPointer;
    }

    public abstract partial class MulticastDelegate : Delegate { }

    // What ldtoken produces (LdTokenHelpers); only array initialisers use them, and ilc expands
    // those at compile time.
    public struct RuntimeTypeHandle { internal IntPtr _value; internal RuntimeTypeHandle(IntPtr value) { _value = value; } }
    public struct RuntimeMethodHandle { internal IntPtr _value; internal RuntimeMethodHandle(IntPtr value) { _value = value; } }
    public struct RuntimeFieldHandle { internal IntPtr _value; internal RuntimeFieldHandle(IntPtr value) { _value = value; } }

    public abstract class Type { }
    internal sealed class RuntimeType : Type { }

    public interface IDisposable { void Dispose(); }

    public struct Nullable<T> where T : struct
    {
        private readonly bool hasValue;
        internal T value;
        public Nullable(T value) { this.value = value; hasValue = true; }
        public bool HasValue => hasValue;
        public T Value => value;
        public T GetValueOrDefault() => value;
    }

}
