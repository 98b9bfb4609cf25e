// When changes reach the disk. The volume's cache writes back (ADR 0010's stages), and nothing tells
// a daemon that the machine is about to power off, so the daemon makes a change durable at the end
// of the request that completes it: after every name-space change (create, mkdir, unlink, rmdir,
// rename, truncate at open) and when a file's handle closes; Fsync does the same at once. Writes in
// between stay in the cache, so a file written in many requests costs one sync at its close, and a
// cut leaves what ADR 0010 promises: e2fsck -fy repairs it, and every file closed or fsync'd before
// is whole. A sync with nothing dirty costs nothing.
using Vireo.Abi;

static class Durable
{
    public static Status Settle() => Program.Volume.Cache.HasDirty ? Program.Volume.Sync() : Status.Ok;
}
