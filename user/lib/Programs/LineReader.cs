// Lines from a descriptor (the File layer's line reading). A read gives whatever the other side
// had: one line from the console, many (or half of one) from a pipe. The reader keeps what it read
// past the line for next time. For lines of text already in memory: Ascii.NextLine.
using Vireo.Abi;
using Vireo.User.Schemes;

namespace Vireo.User;

public unsafe struct LineReader
{
    private const int Capacity = 1024;
    private fixed byte _buffer[Capacity];
    private int _start, _end;
    private bool _ended;
    private bool _skipping;   // the rest of a line longer than the buffer, already given out cut

    /// <summary>The next line, without its '\n', cut to `max` bytes (`cut` says so; the rest of a cut
    /// line is skipped, never given out as a line of its own). `ended` at the end of input with
    /// nothing left; a last line without '\n' still comes first.</summary>
    public Status ReadLine(Fd from, byte* line, int max, out int length, out bool cut, out bool ended)
    {
        length = 0;
        cut = ended = false;
        while (true)
        {
            int newline = -1;
            for (int i = _start; i < _end && newline < 0; i++) if (_buffer[i] == (byte)'\n') newline = i;
            bool full = _start == 0 && _end == Capacity;
            if (_skipping)
            {
                if (newline >= 0)
                {
                    _start = newline + 1;
                    _skipping = false;
                    continue;
                }
                _start = _end;
                _skipping = !_ended;
            }
            else if (newline >= 0 || full || _ended && _start < _end)
            {
                int stop = newline >= 0 ? newline : _end;
                length = stop - _start;
                cut = length > max;
                if (cut) length = max;
                for (int i = 0; i < length; i++) line[i] = _buffer[_start + i];
                _start = newline >= 0 ? newline + 1 : _end;
                _skipping = newline < 0 && full && !_ended;
                return Status.Ok;
            }
            if (_ended)
            {
                ended = true;
                return Status.Ok;
            }
            // Keep the unfinished line at the front, then read behind it.
            for (int i = _start; i < _end; i++) _buffer[i - _start] = _buffer[i];
            _end -= _start;
            _start = 0;
            fixed (byte* b = _buffer)
            {
                Status s = Fs.Read(from, b + _end, Capacity - _end, out int n);
                if (s != Status.Ok) return s;
                if (n == 0) _ended = true;
                _end += n;
            }
        }
    }
}
