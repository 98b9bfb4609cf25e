// One fuzzed syscall: picks a syscall, draws its arguments from the pool (Pool.cs), makes the raw
// call (Sys.Call) and counts its status (Stats). Calls that may block do so with a real object only
// now and then (the worker's main thread wakes waiters, Worker.Unblock); Exit has a thread of its own
// (Worker.ExitOnce). One call in eight is a fuzzed request to the process manager instead
// (ManagerCalls). Device calls never get a device capability: the worker drops every one it holds
// before fuzzing (an I/O-port capability could reach port 0xf4, which powers QEMU off "successfully").
using Vireo.Abi;
using Vireo.User;

static unsafe class Calls
{
    public static void One(ulong* rng, int thread)
    {
        // One call in eight is a request to the process manager (ManagerCalls).
        if (Rng.OneIn(rng, 8))
        {
            ManagerCalls.One(rng, thread);
            return;
        }
        var call = (Syscall)Rng.Below(rng, (ulong)Syscall.Count);
        if (call == Syscall.Exit) call = Syscall.Time;
        ulong a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0;
        bool real = Rng.OneIn(rng, 16);   // a blocking call on a real object
        switch (call)
        {
            case Syscall.DebugWrite:
                // The worker's own kernel-log capability half the time. Only the dots are printed from
                // valid memory: the serial log must stay readable.
                a0 = Rng.OneIn(rng, 2) ? new CapHandle(ProcessSlots.KernelLog, 0).Value : Pool.Handle(rng, false);
                if (Rng.OneIn(rng, 2)) { a1 = (ulong)Pool.Text; a2 = Rng.Below(rng, 17); }
                else { a1 = Pool.BadPointer(rng, thread); a2 = Pool.Word(rng); }
                break;
            case Syscall.Sleep:
                a0 = Rng.OneIn(rng, 4096) ? Pool.Word(rng) : Rng.Below(rng, 4) * 250_000;
                break;
            case Syscall.CapIdentify:
            case Syscall.ThreadStart:
            case Syscall.ThreadSuspend:
            case Syscall.ThreadResume:
            case Syscall.NBRecv:
            case Syscall.Poll:
            case Syscall.IrqAck:
            case Syscall.ReplySave:
                a0 = Pool.Handle(rng, false);
                break;
            case Syscall.CapCopy:
                a0 = Pool.Handle(rng, false); a1 = Pool.DestCNode(rng); a2 = Pool.DestIndex(rng); a3 = Pool.Rights(rng);
                break;
            case Syscall.CapMint:
                a0 = Pool.Handle(rng, false); a1 = Pool.DestCNode(rng); a2 = Pool.DestIndex(rng); a3 = Pool.Rights(rng); a4 = Pool.Word(rng);
                break;
            case Syscall.CapMove:
                a0 = Pool.KeepPlayground(Pool.Handle(rng, true)); a1 = Pool.DestCNode(rng); a2 = Pool.DestIndex(rng);
                break;
            case Syscall.CapDelete:
                a0 = Pool.KeepPlayground(Pool.Handle(rng, true));
                break;
            case Syscall.CapRevoke:
                // Revoking the playground empties the pool: now and then, not at every draw of it.
                a0 = Pool.Handle(rng, true);
                if (!Rng.OneIn(rng, 8)) a0 = Pool.KeepPlayground(a0);
                break;
            case Syscall.Unmap:
                a0 = Pool.Handle(rng, true);
                break;
            case Syscall.Retype:
                // Mostly from an untyped the pool holds, so that objects are made (and remade after a revoke).
                a0 = Rng.OneIn(rng, 4) ? Pool.Handle(rng, true) : Pool.Handles[Rng.OneIn(rng, 4) ? Pool.Untyped : Pool.Playground];
                a1 = Rng.OneIn(rng, 8) ? Pool.Word(rng) : Rng.OneIn(rng, 4) ? Rng.Below(rng, 16) : 1 + Rng.Below(rng, (ulong)ObjectType.Reply);
                a2 = Pool.SizeBits(rng); a3 = Pool.DestCNode(rng); a4 = Pool.DestIndex(rng);
                a5 = Rng.OneIn(rng, 8) ? Pool.Word(rng) : 1 + Rng.Below(rng, 3);
                break;
            case Syscall.Map:
                a0 = Rng.OneIn(rng, 2) ? CSpace.SelfAddressSpace.Value : Pool.Handle(rng, false);
                a1 = Pool.Handle(rng, true); a2 = Pool.MapAddress(rng, thread); a3 = Pool.Rights(rng);
                break;
            case Syscall.Protect:
                a0 = Pool.Handle(rng, true); a1 = Pool.Rights(rng);
                break;
            case Syscall.ThreadSetAbi:
                // Never Foreign (1): a worker thread so marked would take its next call to a handler it lacks and die.
                a0 = Pool.Handle(rng, false); a1 = Rng.OneIn(rng, 2) ? 0 : Pool.Word(rng) | 2;
                break;
            case Syscall.ThreadConfigure:
                a0 = Pool.Handle(rng, true); a1 = Pool.Pointer(rng, thread);
                if (a1 == Pool.Scratch(thread)) Config(rng, (ThreadConfig*)a1, thread);
                break;
            case Syscall.ThreadWait:
                a1 = real ? 0 : Rng.OneIn(rng, 8) ? Pool.Word(rng) : ThreadWaitFlags.NoBlock;
                // A blocking wait only for the thread that exits: siblings waiting on each other would
                // all stop until the deadline.
                a0 = a1 == 0 ? Pool.SiblingThreads[Worker.Threads] : Pool.Handle(rng, false);
                break;
            case Syscall.ThreadSetPriority:
                a0 = Pool.Handle(rng, false);
                a1 = Rng.OneIn(rng, 8) ? Pool.Word(rng) : Rng.Below(rng, 4);
                a2 = Rng.OneIn(rng, 8) ? Pool.Word(rng) : Rng.Below(rng, 300);
                // Real time only for the pool's threads: a sibling spinning at real-time priority
                // would starve the process's main thread, which wakes the others.
                for (int i = 0; i < Worker.Threads; i++) if (a0 == Pool.SiblingThreads[i]) a1 = 0;
                break;
            case Syscall.Send:
            case Syscall.Call:
            case Syscall.ReplyRecv:
                a0 = real ? Pool.Handle(rng, false) : Pool.Word(rng) | (1UL << 40);
                Message(rng, thread, ref a1, ref a2, ref a3, ref a4, ref a5);
                break;
            case Syscall.NBSend:
                a0 = Pool.Handle(rng, false);
                Message(rng, thread, ref a1, ref a2, ref a3, ref a4, ref a5);
                break;
            case Syscall.Reply:
                a0 = Rng.OneIn(rng, 2) ? 0 : Pool.Handle(rng, false);
                Message(rng, thread, ref a1, ref a2, ref a3, ref a4, ref a5);
                break;
            case Syscall.Recv:
            case Syscall.Wait:
                a0 = real ? Pool.Handle(rng, false) : Pool.Word(rng) | (1UL << 40);
                break;
            case Syscall.Signal:
                a0 = Pool.Handle(rng, false); a1 = Pool.Word(rng);
                break;
            case Syscall.NotificationBind:
                a0 = Pool.Handle(rng, false); a1 = Pool.Handle(rng, false);
                break;
            case Syscall.IrqHandlerGet:
                a0 = Pool.Handle(rng, false); a1 = Rng.OneIn(rng, 4) ? Pool.Word(rng) : Rng.Below(rng, 24);
                a2 = Pool.DestCNode(rng); a3 = Pool.DestIndex(rng);
                break;
            case Syscall.IrqHandlerBind:
                a0 = Pool.Handle(rng, false); a1 = Pool.Handle(rng, false); a2 = Pool.Word(rng);
                break;
            case Syscall.IoPortsBind:
                // Never a range that holds port 0xf4, even if a check were missing.
                a0 = Pool.Handle(rng, false); a1 = Pool.Handle(rng, false);
                if (Rng.OneIn(rng, 2)) { a2 = Rng.Below(rng, 0xF0); a3 = Rng.Below(rng, 4); }
                else { a2 = 0x100 + Rng.Below(rng, 0xFE00); a3 = Rng.Below(rng, 0x10000 - a2); }
                break;
            case Syscall.ThreadRegisters:
                a1 = Rng.OneIn(rng, 8) ? Pool.Word(rng) : Rng.Below(rng, 2);
                a0 = a1 == (ulong)ThreadRegistersOp.Write ? Pool.Handle(rng, true) : Pool.Handle(rng, false);
                a2 = Pool.Pointer(rng, thread);
                break;
            case Syscall.CapTake:
                // It moves capabilities out of a CNode: only the pool's (or random words), never the
                // worker's own (its heap and code would go).
                a0 = Pool.KeepPlayground(Pool.Handle(rng, true)); a1 = Pool.DestIndex(rng);
                a2 = Rng.OneIn(rng, 2) ? Pool.Word(rng) : 0; a3 = Pool.DestCNode(rng); a4 = Pool.DestIndex(rng);
                break;
            case Syscall.FramePhysical:
                a0 = Pool.Handle(rng, false);
                break;
            case Syscall.MsiHandlerGet:
                // Workers hold no IrqControl: refused, like KernelCounters.
                a0 = Pool.Handle(rng, false); a1 = Pool.DestCNode(rng); a2 = Pool.DestIndex(rng);
                break;
            case Syscall.CapCarve:
                // Workers hold no I/O-port or device-memory capability: every carve must be refused.
                a0 = Pool.Handle(rng, false); a1 = Pool.Word(rng); a2 = Rng.Below(rng, 70); a3 = Pool.DestCNode(rng); a4 = Pool.DestIndex(rng);
                break;
            case Syscall.KernelCounters:
                // Workers hold no IrqControl: every call must be refused.
                a0 = Pool.Handle(rng, false); a1 = Rng.OneIn(rng, 4) ? Pool.Word(rng) : Rng.Below(rng, 20);
                break;
        }
        Stats.Calling(thread, call);
        Status s = Sys.Call(call, out ulong r0, a0, a1, a2, a3, a4, a5);
        Stats.Add(call, s);
        if (s != Status.Ok) return;
        // Where a capability was placed in this CNode, remember its handle (with its generation).
        if (call == Syscall.CapCopy || call == Syscall.CapMint || call == Syscall.CapMove) Pool.Placed(a1, a2, r0);
        else if (call == Syscall.Retype) Pool.Placed(a3, a4, r0);
    }

    /// <summary>A message: an info word (words, caps, label, or random) and four register words; now
    /// and then the IPC buffer's words, capabilities to send and landing slots are redrawn.</summary>
    private static void Message(ulong* rng, int thread, ref ulong info, ref ulong m0, ref ulong m1, ref ulong m2, ref ulong m3)
    {
        info = Rng.OneIn(rng, 8) ? Pool.Word(rng) : new MessageInfo((int)Rng.Below(rng, 70), (int)Rng.Below(rng, 5), Rng.Below(rng, 1024)).Value;
        m0 = Pool.Word(rng); m1 = Pool.Word(rng); m2 = Pool.Word(rng); m3 = Pool.Word(rng);
        if (!Rng.OneIn(rng, 16)) return;
        var b = (IpcBuffer*)(Pool.IpcBase + (ulong)thread * 0x2000);
        for (int i = 0; i < MessageInfo.MaxWords; i++) b->Words[i] = Pool.Word(rng);
        for (int i = 0; i < MessageInfo.MaxCaps; i++)
        {
            b->SendCaps[i] = Pool.Handle(rng, false);
            b->ReceiveSlots[i] = Pool.DestIndex(rng);
        }
        b->ReceiveCNode = Pool.DestCNode(rng);
    }

    /// <summary>A thread configuration of plausible and wrong parts (it may start and fault: fine).</summary>
    private static void Config(ulong* rng, ThreadConfig* c, int thread)
    {
        c->CNode = Pool.DestCNode(rng);
        c->AddressSpace = Rng.OneIn(rng, 2) ? CSpace.SelfAddressSpace.Value : Pool.Handle(rng, false);
        c->Entry = Rng.OneIn(rng, 2) ? 0 : Pool.Pointer(rng, thread);
        c->Stack = Pool.MapAddress(rng, thread);
        c->Argument0 = Pool.Word(rng);
        c->Argument1 = Pool.Word(rng);
        c->FsBase = Pool.Word(rng);
        c->IpcBuffer = Rng.OneIn(rng, 2) ? 0 : Pool.MapAddress(rng, thread);
        c->FaultEndpoint = Rng.OneIn(rng, 2) ? 0 : Pool.Handle(rng, false);
        c->ExitNotification = Rng.OneIn(rng, 2) ? 0 : Pool.Handle(rng, false);
    }
}
