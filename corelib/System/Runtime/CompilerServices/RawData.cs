// An object's fields seen as bytes: ilc looks this type up by name to write unboxing stubs for
// methods of generic structs (a collection's struct enumerator called through an interface from
// shared generic code), where it finds the struct's data just past the MethodTable pointer.
namespace System.Runtime.CompilerServices
{
    internal class RawData
    {
        public byte Data;
    }
}
