namespace System.Runtime.CompilerServices
{
    // Lazy static constructors. Most statics are preinitialised by ilc at compile time; the rest run
    // here on first use. Single-threaded by construction: the kernel runs them at boot.
    public struct StaticClassConstructionContext
    {
        public IntPtr cctorMethodAddress;
    }

    internal static unsafe class ClassConstructorRunner
    {
        private static object CheckStaticClassConstructionReturnGCStaticBase(ref StaticClassConstructionContext context, object gcStaticBase)
        {
            Run(ref context);
            return gcStaticBase;
        }

        private static IntPtr CheckStaticClassConstructionReturnNonGCStaticBase(ref StaticClassConstructionContext context, IntPtr nonGcStaticBase)
        {
            Run(ref context);
            return nonGcStaticBase;
        }

        private static void Run(ref StaticClassConstructionContext context)
        {
            IntPtr cctor = context.cctorMethodAddress;
            if (cctor.ToPointer() == null) return;
            context.cctorMethodAddress = default;
            ((delegate*<void>)cctor.ToPointer())();
        }
    }
}
