// Every syscall that takes a capability checks it the same way before doing anything: an empty or
// stale slot is InvalidCapability, a capability of another type is WrongType, and one without the
// right the call needs is InsufficientRights. One table drives all of them.
using System;
using Vireo.Abi;
using Vireo.User;
using T = Vireo.User.Testing.TestRunner;

namespace Vireo.Bootstrap.Tests;

static unsafe class LookupTests
{
    private struct Case
    {
        public Syscall Call;
        public ObjectType Type;     // what the first argument must name
        public Rights Needed;       // the right it must carry (None: any)
    }

    public static void Run(CapHandle memory)
    {
        s_memory = memory;
        T.Run("user.every_syscall_checks_its_capability", &EveryCall);
    }

    private static CapHandle s_memory;

    private static void EveryCall()
    {
        Case* cases = stackalloc Case[]
        {
            new Case { Call = Syscall.Map, Type = ObjectType.AddressSpace, Needed = Rights.Map },
            new Case { Call = Syscall.Unmap, Type = ObjectType.Frame },
            new Case { Call = Syscall.Protect, Type = ObjectType.Frame },
            new Case { Call = Syscall.ThreadConfigure, Type = ObjectType.Thread, Needed = Rights.Control },
            new Case { Call = Syscall.ThreadStart, Type = ObjectType.Thread, Needed = Rights.Control },
            new Case { Call = Syscall.ThreadSuspend, Type = ObjectType.Thread, Needed = Rights.Control },
            new Case { Call = Syscall.ThreadResume, Type = ObjectType.Thread, Needed = Rights.Control },
            new Case { Call = Syscall.ThreadWait, Type = ObjectType.Thread, Needed = Rights.Control },
            new Case { Call = Syscall.ThreadSetPriority, Type = ObjectType.Thread, Needed = Rights.Control },
            new Case { Call = Syscall.NotificationBind, Type = ObjectType.Thread, Needed = Rights.Control },
            new Case { Call = Syscall.ThreadRegisters, Type = ObjectType.Thread, Needed = Rights.Control },
            new Case { Call = Syscall.ThreadSetAbi, Type = ObjectType.Thread, Needed = Rights.Control },
            new Case { Call = Syscall.ThreadSetAffinity, Type = ObjectType.Thread, Needed = Rights.Control },
            new Case { Call = Syscall.ThreadCpu, Type = ObjectType.Thread, Needed = Rights.Control },
            new Case { Call = Syscall.Send, Type = ObjectType.Endpoint, Needed = Rights.Write },
            new Case { Call = Syscall.NBSend, Type = ObjectType.Endpoint, Needed = Rights.Write },
            new Case { Call = Syscall.Call, Type = ObjectType.Endpoint, Needed = Rights.Write },
            new Case { Call = Syscall.Recv, Type = ObjectType.Endpoint, Needed = Rights.Read },
            new Case { Call = Syscall.NBRecv, Type = ObjectType.Endpoint, Needed = Rights.Read },
            new Case { Call = Syscall.ReplyRecv, Type = ObjectType.Endpoint, Needed = Rights.Read },
            new Case { Call = Syscall.Signal, Type = ObjectType.Notification, Needed = Rights.Write },
            new Case { Call = Syscall.Wait, Type = ObjectType.Notification, Needed = Rights.Read },
            new Case { Call = Syscall.Poll, Type = ObjectType.Notification, Needed = Rights.Read },
            new Case { Call = Syscall.IrqHandlerGet, Type = ObjectType.IrqControl, Needed = Rights.Control },
            new Case { Call = Syscall.KernelCounters, Type = ObjectType.IrqControl, Needed = Rights.Control },
            new Case { Call = Syscall.IrqHandlerBind, Type = ObjectType.IrqHandler, Needed = Rights.Control },
            new Case { Call = Syscall.IrqAck, Type = ObjectType.IrqHandler, Needed = Rights.Control },
            new Case { Call = Syscall.IoPortsBind, Type = ObjectType.IoPorts, Needed = Rights.Control },
            new Case { Call = Syscall.DebugWrite, Type = ObjectType.IoPorts, Needed = Rights.Write },
            new Case { Call = Syscall.FramePhysical, Type = ObjectType.Frame, Needed = Rights.Physical },
            new Case { Call = Syscall.CapCarve, Type = ObjectType.IoPorts, Needed = Rights.Control },
            new Case { Call = Syscall.MsiHandlerGet, Type = ObjectType.IrqControl, Needed = Rights.Control },
            new Case { Call = Syscall.CapIdentify, Type = ObjectType.Null },
            new Case { Call = Syscall.CapCopy, Type = ObjectType.Null },
            new Case { Call = Syscall.CapMint, Type = ObjectType.Null },
            new Case { Call = Syscall.CapMove, Type = ObjectType.Null },
            new Case { Call = Syscall.CapDelete, Type = ObjectType.Null },
            new Case { Call = Syscall.CapRevoke, Type = ObjectType.Null },
            new Case { Call = Syscall.CapTake, Type = ObjectType.CNode, Needed = Rights.Write },
            new Case { Call = Syscall.Retype, Type = ObjectType.Untyped },
            new Case { Call = Syscall.Reply, Type = ObjectType.Reply, Needed = Rights.Write },
            new Case { Call = Syscall.ReplySave, Type = ObjectType.Reply, Needed = Rights.Write },
            new Case { Call = Syscall.Count },   // the end of the table
        };
        int count = 0;
        while (cases[count].Call != Syscall.Count) count++;
        // Every syscall but the four that take no capability has a row.
        for (ulong n = 0; n < (ulong)Syscall.Count; n++)
        {
            var call = (Syscall)n;
            bool listed = call == Syscall.Yield || call == Syscall.Exit || call == Syscall.Sleep || call == Syscall.Time;
            for (int i = 0; i < count && !listed; i++) listed = cases[i].Call == call;
            if (!listed) T.Equal((long)n, -1, "a syscall that takes a capability has no row");
        }

        // One capability of each type, and a copy of it with no rights at all.
        CapHandle* full = stackalloc CapHandle[16];
        CapHandle* none = stackalloc CapHandle[16];
        CapHandle* made = stackalloc CapHandle[32];
        uint* slots = stackalloc uint[32];
        int used = 0;
        CapHandle frame = Make(ObjectType.Frame, slots, made, ref used);
        full[(int)ObjectType.Endpoint] = Make(ObjectType.Endpoint, slots, made, ref used);
        full[(int)ObjectType.Notification] = Make(ObjectType.Notification, slots, made, ref used);
        full[(int)ObjectType.Thread] = Make(ObjectType.Thread, slots, made, ref used);
        full[(int)ObjectType.Reply] = Make(ObjectType.Reply, slots, made, ref used);
        full[(int)ObjectType.Frame] = frame;
        full[(int)ObjectType.AddressSpace] = CSpace.SelfAddressSpace;
        full[(int)ObjectType.CNode] = CSpace.Self;
        full[(int)ObjectType.IoPorts] = new CapHandle(BootstrapSlots.IoPorts, 0);
        full[(int)ObjectType.IrqControl] = new CapHandle(BootstrapSlots.IrqControl, 0);
        CSpace.TryAlloc(out slots[used]);
        Devices.IrqHandlerGet(full[(int)ObjectType.IrqControl], 5, CSpace.Self, slots[used], out made[used]);
        full[(int)ObjectType.IrqHandler] = made[used++];
        for (int type = 0; type < 16; type++)
        {
            if (full[type].Value == 0) continue;
            CSpace.TryAlloc(out slots[used]);
            Sys.Copy(full[type], CSpace.Self, slots[used], Rights.None, out made[used]);
            none[type] = made[used++];
        }

        var empty = new CapHandle(4000, 0);
        for (int i = 0; i < count; i++)
        {
            Case c = cases[i];
            T.Status(Status.InvalidCapability, Invoke(c.Call, empty, full), "an empty slot: InvalidCapability");
            if (c.Type != ObjectType.Null)
            {
                // A capability of another type: a frame, or an endpoint for calls that want a frame
                // (CapCarve takes a frame too).
                CapHandle other = c.Type == ObjectType.Frame || c.Call == Syscall.CapCarve ? full[(int)ObjectType.Endpoint] : frame;
                T.Status(Status.WrongType, Invoke(c.Call, other, full), "another type: WrongType");
            }
            if (c.Needed != Rights.None)
            {
                T.Status(Status.InsufficientRights, Invoke(c.Call, none[(int)c.Type], full), "no rights: InsufficientRights");
            }
        }

        for (int i = used - 1; i >= 0; i--)
        {
            Sys.Delete(made[i]);
            CSpace.Free(slots[i]);
        }
    }

    private static CapHandle Make(ObjectType type, uint* slots, CapHandle* made, ref int used)
    {
        CSpace.TryAlloc(out slots[used]);
        Sys.Retype(s_memory, type, type == ObjectType.Frame ? 12 : 0, CSpace.Self, slots[used], 1, out made[used]);
        return made[used++];
    }

    // Calls `call` with `cap` as its first argument and plausible others (never reached: the lookup fails first).
    private static Status Invoke(Syscall call, CapHandle cap, CapHandle* full)
    {
        ulong self = CSpace.Self.Value;
        switch (call)
        {
            case Syscall.Map: return Sys.Call(call, cap.Value, full[(int)ObjectType.Frame].Value, 0x0000_5C00_0000_0000, (ulong)Rights.Read);
            case Syscall.NotificationBind: return Sys.Call(call, cap.Value, full[(int)ObjectType.Notification].Value);
            case Syscall.IrqHandlerGet: return Sys.Call(call, cap.Value, 7, self, 4001);
            case Syscall.IrqHandlerBind: return Sys.Call(call, cap.Value, full[(int)ObjectType.Notification].Value, 1);
            case Syscall.IoPortsBind: return Sys.Call(call, cap.Value, new CapHandle(BootstrapSlots.Thread, 0).Value, 0x3F8, 1);
            case Syscall.CapCopy:
            case Syscall.CapMint:
            case Syscall.CapMove: return Sys.Call(call, cap.Value, self, 4002, (ulong)Rights.All, 1);
            case Syscall.CapTake: return Sys.Call(call, cap.Value, 0, 1, self, 4004);
            case Syscall.CapCarve: return Sys.Call(call, cap.Value, 0x3F8, 3, self, 4005);
            case Syscall.MsiHandlerGet: return Sys.Call(call, cap.Value, self, 4006);
            case Syscall.Retype: return Sys.Call(call, cap.Value, (ulong)ObjectType.Frame, 12, self, 4003, 1);
            case Syscall.ThreadConfigure:
                ThreadConfig config = default;
                return Sys.Call(call, cap.Value, (ulong)&config);
            case Syscall.ThreadSetPriority: return Sys.Call(call, cap.Value, (ulong)SchedClass.TimeSharing, 0);
            case Syscall.ThreadSetAbi: return Sys.ThreadSetAbi(cap, ThreadAbi.Vireo);
            case Syscall.ThreadRegisters:
                ThreadRegisterState state = default;
                return Sys.ThreadRegisters(cap, ThreadRegistersOp.Read, &state);
            case Syscall.Send:
            case Syscall.NBSend:
            case Syscall.Call:
            case Syscall.ReplyRecv:
                var m = new Message();
                return call == Syscall.Send ? Ipc.Send(cap, new MessageInfo(0, 0), ref m)
                    : call == Syscall.NBSend ? Ipc.TrySend(cap, new MessageInfo(0, 0), ref m)
                    : call == Syscall.Call ? Ipc.Call(cap, new MessageInfo(0, 0), ref m)
                    : Ipc.ReplyReceive(cap, new MessageInfo(0, 0), ref m);
            case Syscall.Recv:
            case Syscall.NBRecv:
                var r = new Message();
                return call == Syscall.Recv ? Ipc.Receive(cap, ref r) : Ipc.TryReceive(cap, ref r);
            default: return Sys.Call(call, cap.Value, 1);
        }
    }
}
