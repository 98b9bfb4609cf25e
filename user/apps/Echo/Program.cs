// A small server for IPC tests and benchmarks. It serves the endpoint its creator granted it
// (slot FirstGrant) in a reply-and-receive loop:
//   label 0: reply with the four words plus one each (and the badge in the fourth if asked)
//   label 1: reply with the sum of the bytes of the shared region (w0 = address, w1 = length)
//   label 2: reply, then exit (so the test can watch it go)
//   label 3: receive and never reply: exit while still owing a reply
//   label 4: touch the first and last byte of the shared region (w0 = address, w1 = length)
//   label 5: as label 0, but the reply has as many words as the call (at most four)
using System.Runtime;
using Vireo.Abi;
using Vireo.User;

static unsafe class Program
{
    [RuntimeExport("vireo_main")]
    static int Main()
    {
        var endpoint = new CapHandle(BootstrapSlots.FirstGrant, 0);
        var m = new Message();
        Status s = Ipc.Receive(endpoint, ref m);
        while (s == Status.Ok)
        {
            ulong label = m.Info.Label;
            var reply = new Message();
            if (label == 1)
            {
                var p = (byte*)m.W0;
                ulong sum = 0;
                for (ulong i = 0; i < m.W1; i++) sum += p[i];
                reply.W0 = sum;
            }
            else if (label == 3)
            {
                return 3;
            }
            else if (label == 4)
            {
                var p = (byte*)m.W0;
                reply.W0 = (ulong)(p[0] + p[m.W1 - 1]);
            }
            else
            {
                reply = Message.Of(m.W0 + 1, m.W1 + 1, m.W2 + 1, m.Badge);
            }
            if (label == 2)
            {
                // A caller that is gone needs no answer: echo ends either way.
                _ = Ipc.Reply(new MessageInfo(4, 0), ref reply);
                return 2;
            }
            // Label 5 answers with as many words as the call carried (the 0- and 4-word benchmarks).
            int words = label == 5 ? (m.Info.Words < 4 ? m.Info.Words : 4) : 4;
            m = reply;
            s = Ipc.ReplyReceive(endpoint, new MessageInfo(words, 0), ref m);
        }
        return 1;
    }
}
