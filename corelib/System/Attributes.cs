// Attributes the C# compiler looks up by name.
namespace System
{
    public abstract class Attribute { }

    [Flags]
    public enum AttributeTargets
    {
        Assembly = 1, Module = 2, Class = 4, Struct = 8, Enum = 16, Constructor = 32, Method = 64,
        Property = 128, Field = 256, Event = 512, Interface = 1024, Parameter = 2048, Delegate = 4096,
        ReturnValue = 8192, GenericParameter = 16384, All = 32767,
    }

    [AttributeUsage(AttributeTargets.Class, Inherited = true)]
    public sealed class AttributeUsageAttribute : Attribute
    {
        public AttributeUsageAttribute(AttributeTargets validOn) { }
        public bool AllowMultiple { get; set; }
        public bool Inherited { get; set; }
    }

    [AttributeUsage(AttributeTargets.Enum)]
    public sealed class FlagsAttribute : Attribute { }

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class ParamArrayAttribute : Attribute { }

    public sealed class ObsoleteAttribute : Attribute
    {
        public ObsoleteAttribute() { }
        public ObsoleteAttribute(string message) { }
        public ObsoleteAttribute(string message, bool error) { }
    }

    public sealed class CLSCompliantAttribute : Attribute { public CLSCompliantAttribute(bool compliant) { } }
}

namespace System.Diagnostics.CodeAnalysis
{
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class DoesNotReturnAttribute : Attribute { }
}

namespace System.Runtime.CompilerServices
{
    public sealed class IndexerNameAttribute : Attribute { public IndexerNameAttribute(string indexerName) { } }
    public sealed class IsVolatile { }
    public sealed class IsReadOnlyAttribute : Attribute { }
    public sealed class IsByRefLikeAttribute : Attribute { }
    public sealed class IsUnmanagedAttribute : Attribute { }
    public sealed class ExtensionAttribute : Attribute { }
    public sealed class CompilerGeneratedAttribute : Attribute { }
    public sealed class FixedBufferAttribute : Attribute { public FixedBufferAttribute(Type elementType, int length) { } }
    public sealed class UnsafeValueTypeAttribute : Attribute { }
    public sealed class RequiresLocationAttribute : Attribute { }
    public sealed class ScopedRefAttribute : Attribute { }
    public sealed class RefSafetyRulesAttribute : Attribute { public RefSafetyRulesAttribute(int version) { } }
    public sealed class NullableAttribute : Attribute { public NullableAttribute(byte b) { } public NullableAttribute(byte[] b) { } }
    public sealed class NullableContextAttribute : Attribute { public NullableContextAttribute(byte b) { } }
    public sealed class IntrinsicAttribute : Attribute { }
    public sealed class InlineArrayAttribute : Attribute { public InlineArrayAttribute(int length) { } }

    public enum MethodImplOptions
    {
        Unmanaged = 4, NoInlining = 8, ForwardRef = 16, Synchronized = 32, NoOptimization = 64,
        PreserveSig = 128, AggressiveInlining = 256, AggressiveOptimization = 512, InternalCall = 4096,
    }

    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor)]
    public sealed class MethodImplAttribute : Attribute
    {
        public MethodImplAttribute(MethodImplOptions methodImplOptions) { }
    }

    /// <summary>The method's locals and stackalloc memory are not zeroed on entry (the compiler emits
    /// no .locals init): for hot paths that write before they read.</summary>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor | AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Module)]
    public sealed class SkipLocalsInitAttribute : Attribute
    {
    }

    public static class RuntimeFeature
    {
        public const string ByRefFields = nameof(ByRefFields);
        public const string UnmanagedSignatureCallingConvention = nameof(UnmanagedSignatureCallingConvention);
        public const string DefaultImplementationsOfInterfaces = nameof(DefaultImplementationsOfInterfaces);
        public const string VirtualStaticsInInterfaces = nameof(VirtualStaticsInInterfaces);
        public const string NumericIntPtr = nameof(NumericIntPtr);
        public const string ByRefLikeGenerics = nameof(ByRefLikeGenerics);
    }
}

namespace System.Runtime.InteropServices
{
    public enum CharSet { None = 1, Ansi = 2, Unicode = 3, Auto = 4 }
    public enum LayoutKind { Sequential = 0, Explicit = 2, Auto = 3 }
    public enum CallingConvention { Winapi = 1, Cdecl = 2, StdCall = 3, ThisCall = 4, FastCall = 5 }

    public sealed class StructLayoutAttribute : Attribute
    {
        public StructLayoutAttribute(LayoutKind layoutKind) { }
        public int Pack;
        public int Size;
        public CharSet CharSet;
    }

    public sealed class FieldOffsetAttribute : Attribute { public FieldOffsetAttribute(int offset) { } }
    public sealed class InAttribute : Attribute { }
    public sealed class OutAttribute : Attribute { }

    public sealed class DllImportAttribute : Attribute
    {
        public DllImportAttribute(string dllName) { }
        public string EntryPoint;
        public CallingConvention CallingConvention;
    }

    public enum UnmanagedType { Bool = 2, I1 = 3, U1 = 4, I4 = 7, U4 = 8, LPStr = 20, LPWStr = 21 }

    public sealed class SuppressGCTransitionAttribute : Attribute { }

    public sealed class UnmanagedCallersOnlyAttribute : Attribute
    {
        public string EntryPoint;
        public Type[] CallConvs;
    }
}

namespace System.Reflection
{
    public sealed class DefaultMemberAttribute : Attribute { public DefaultMemberAttribute(string memberName) { } }
}
