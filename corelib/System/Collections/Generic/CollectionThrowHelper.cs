// Where .NET's collections throw, ours end the program with the exception's reason: there is no
// unwinder yet (a `throw` would only say that something was thrown). One method per reason keeps
// the message text in one place and the callers' fast paths small.
using System.Diagnostics.CodeAnalysis;

namespace System.Collections.Generic
{
    internal static class CollectionThrowHelper
    {
        [DoesNotReturn] internal static void KeyNotFound() => Environment.FailFast("KeyNotFoundException: the given key was not present in the dictionary");
        [DoesNotReturn] internal static void DuplicateKey() => Environment.FailFast("ArgumentException: an item with the same key has already been added");
        [DoesNotReturn] internal static void NullKey() => Environment.FailFast("ArgumentNullException: key is null");
        [DoesNotReturn] internal static void EmptyQueue() => Environment.FailFast("InvalidOperationException: Queue empty");
        [DoesNotReturn] internal static void EmptyStack() => Environment.FailFast("InvalidOperationException: Stack empty");
        [DoesNotReturn] internal static void VersionChanged() => Environment.FailFast("InvalidOperationException: collection was modified; enumeration operation may not execute");
        [DoesNotReturn] internal static void EnumerationNotStarted() => Environment.FailFast("InvalidOperationException: enumeration has either not started or has already finished");
        [DoesNotReturn] internal static void ReadOnly() => Environment.FailFast("NotSupportedException: the collection is read-only");
        [DoesNotReturn] internal static void ArgumentOutOfRange() => Environment.FailFast("ArgumentOutOfRangeException: index or count out of range");
        [DoesNotReturn] internal static void ArgumentNull() => Environment.FailFast("ArgumentNullException: a required argument is null");
        [DoesNotReturn] internal static void WrongType() => Environment.FailFast("ArgumentException: the object is not of the collection's element type");
        /// <summary>CopyTo's checks: an array with room for `count` items from `arrayIndex`.</summary>
        internal static void CheckCopyTarget<T>(T[] array, int arrayIndex, int count)
        {
            if (array == null) ArgumentNull();
            if (arrayIndex < 0 || array.Length - arrayIndex < count) ArgumentOutOfRange();
        }

        [DoesNotReturn] internal static void NotComparable() => Environment.FailFast("InvalidOperationException: the type implements neither IComparable<T> nor IComparable");
    }
}
