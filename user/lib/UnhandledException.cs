// What happens to a `throw`: there is no unwinder, so no catch block runs and the program ends. It
// prints the exception's message and where it was thrown: the throwing method and its callers,
// named from the program's own symbol table (linked into every program, see Native.targets) and
// found by following the frame-pointer chain from the throwing method up to the start-up code.
using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using Internal.Runtime;
using Vireo.Kernel.Diagnostics;

namespace Vireo.User;

internal static unsafe class UnhandledException
{
    /// <summary>The exit status of a process ended by an exception (as a failed runtime check).</summary>
    public const int ExitStatus = 255;
    private const int MaxFrames = 8;
    private static nuint s_stackLimit;

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "vireo_image_symbols")]
    private static extern byte* ImageSymbols(byte** end);

    /// <summary>`startFrame` is an address in the start-up code's frame: every frame of the program
    /// lies below it, which bounds the walk.</summary>
    public static void Install(nuint startFrame)
    {
        s_stackLimit = startFrame + 256;
        RuntimeHooks.Throw = &Report;
    }

    private static void Report(object exception, nuint returnAddress, nuint framePointer)
    {
        Console.Write("Unhandled exception: ");
        Console.WriteLine(exception is Exception e ? e.Message : "(not an Exception)");
        byte* end;
        byte* blob = ImageSymbols(&end);
        bool haveSymbols = SymbolTable.TryCreate(blob, (ulong)(end - blob), out SymbolTable symbols);
        nuint here = (nuint)(&blob);
        nuint address = returnAddress, frame = framePointer;
        for (int depth = 0; depth < MaxFrames; depth++)
        {
            Console.Write("   at ");
            // The return address is just past the call; look up the call itself.
            if (!haveSymbols || !symbols.TryLookup(address - 1, out ulong start, out ReadOnlySpan<byte> name))
            {
                WriteHex(address);
                Console.WriteLine();
                break;
            }
            for (int i = 0; i < name.Length; i++) Console.Write((char)name[i]);
            Console.Write(" + ");
            WriteHex(address - (nuint)start);
            Console.WriteLine();
            // A method without a frame pointer leaves something else in rbp: stop at anything that
            // is not a frame of this stack above the one before.
            if (frame <= here || frame >= s_stackLimit || (frame & 7) != 0) break;
            here = frame;
            address = *(nuint*)(frame + (nuint)sizeof(nuint));
            frame = *(nuint*)frame;
        }
        Console.Flush();
        Sys.Exit(ExitStatus);
    }

    // Every program links this file, so it prints hexadecimal itself rather than pull in number formatting.
    private static void WriteHex(nuint value)
    {
        Console.Write("0x");
        int shift = 60;
        while (shift > 0 && (value >> shift) == 0) shift -= 4;
        for (; shift >= 0; shift -= 4) Console.Write("0123456789abcdef"[(int)((value >> shift) & 0xF)]);
    }
}
