// Delegates as ilc builds them. csc emits `newobj D::.ctor(object, IntPtr)`; ilc replaces it with an
// allocation and a call to one of the Initialize* methods below (found by name), choosing by the
// kind of target. Invoke has no body here: ilc generates it to call _functionPointer with
// _firstParameter as the first argument. For a static method that first argument would be wrong,
// so ilc points _functionPointer at a thunk that drops it and calls _extraFunctionPointerOrData.
// Only single-cast delegates exist: Combine (`+=` on a delegate) is not supported.
namespace System
{
    public abstract partial class Delegate
    {
        // A method or lambda on an object (C# lambdas, even non-capturing ones, are instance methods
        // of a closure object).
        private void InitializeClosedInstance(object firstParameter, IntPtr functionPointer)
        {
            if (firstParameter is null) throw new ArgumentException("Delegate to an instance method cannot have null 'this'.");
            _functionPointer = functionPointer;
            _firstParameter = firstParameter;
        }

        private void InitializeClosedInstanceSlow(object firstParameter, IntPtr functionPointer) =>
            InitializeClosedInstance(firstParameter, functionPointer);

        // A static method group (`Func<int, int> f = Twice;`).
        private void InitializeOpenStaticThunk(object firstParameter, IntPtr functionPointer, IntPtr functionPointerThunk)
        {
            _firstParameter = this;
            _functionPointer = functionPointerThunk;
            _extraFunctionPointerOrData = functionPointer;
        }

        // An extension method bound to its first argument (`Func<int> f = text.Count;`).
        private void InitializeClosedStaticThunk(object firstParameter, IntPtr functionPointer, IntPtr functionPointerThunk)
        {
            _extraFunctionPointerOrData = functionPointer;
            _helperObject = firstParameter;
            _functionPointer = functionPointerThunk;
            _firstParameter = this;
        }

        private void InitializeClosedInstanceToInterface(object firstParameter, IntPtr dispatchCell) =>
            Environment.FailFast("delegates to interface methods resolved at run time are not supported");

        private void InitializeClosedInstanceWithGVMResolution(object firstParameter, IntPtr dispatchCell) =>
            Environment.FailFast("delegates to generic virtual methods are not supported");

        /// <summary>The object an instance delegate calls its method on (null for a static method).</summary>
        public object Target => ReferenceEquals(_firstParameter, this) ? _helperObject : _firstParameter;

        // Same type, same target, same method. A static delegate's _firstParameter is itself, so
        // targets compare through Target.
        public override unsafe bool Equals(object obj) =>
            obj is Delegate other && other.m_pEEType == m_pEEType && ReferenceEquals(Target, other.Target) &&
            _functionPointer == other._functionPointer && _extraFunctionPointerOrData == other._extraFunctionPointerOrData;

        public override int GetHashCode() => (int)(long)_functionPointer ^ (int)_extraFunctionPointerOrData;

        public static bool operator ==(Delegate d1, Delegate d2) => d1 is null ? d2 is null : d1.Equals(d2);
        public static bool operator !=(Delegate d1, Delegate d2) => !(d1 == d2);

        /// <summary>Combining delegates (multicast) is not supported: it fails fast unless one side is null.</summary>
        public static Delegate Combine(Delegate a, Delegate b)
        {
            if (a is null) return b;
            if (b is null) return a;
            Environment.FailFast("multicast delegates are not supported");
            return null;
        }

        public static Delegate Remove(Delegate source, Delegate value) => source == value ? null : source;
    }

    public abstract partial class MulticastDelegate
    {
        public static bool operator ==(MulticastDelegate d1, MulticastDelegate d2) => (Delegate)d1 == d2;
        public static bool operator !=(MulticastDelegate d1, MulticastDelegate d2) => (Delegate)d1 != d2;
        public override bool Equals(object obj) => base.Equals(obj);
        public override int GetHashCode() => base.GetHashCode();
    }

    public delegate void Action();
    public delegate void Action<in T>(T obj);
    public delegate void Action<in T1, in T2>(T1 arg1, T2 arg2);
    public delegate void Action<in T1, in T2, in T3>(T1 arg1, T2 arg2, T3 arg3);
    public delegate void Action<in T1, in T2, in T3, in T4>(T1 arg1, T2 arg2, T3 arg3, T4 arg4);
    public delegate TResult Func<out TResult>();
    public delegate TResult Func<in T, out TResult>(T arg);
    public delegate TResult Func<in T1, in T2, out TResult>(T1 arg1, T2 arg2);
    public delegate TResult Func<in T1, in T2, in T3, out TResult>(T1 arg1, T2 arg2, T3 arg3);
    public delegate TResult Func<in T1, in T2, in T3, in T4, out TResult>(T1 arg1, T2 arg2, T3 arg3, T4 arg4);
    public delegate bool Predicate<in T>(T obj);
    public delegate int Comparison<in T>(T x, T y);
    public delegate TOutput Converter<in TInput, out TOutput>(TInput input);
}
