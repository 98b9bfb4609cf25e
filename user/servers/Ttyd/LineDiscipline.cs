// The console's line discipline: what the terminal does with typed bytes before a program reads
// them. Bytes collect in the line being edited (each echoed; backspace takes the last one back)
// until Enter; the completed line then joins a queue of lines waiting for readers, so input that
// is typed or piped in faster than the shell reads it is kept, line by line, not lost. Pure: no
// I/O. The daemon feeds it bytes and sends the echo it hands back to the UART; the in-guest tests
// feed it directly.
// A line longer than the edit buffer is never cut: when the buffer fills, what it holds joins the
// queue as the start of the line (backspace cannot take it back), and the reader decides what a
// long line means (the shell refuses one longer than its limit as a whole, with a message).
// Escape sequences (cursor keys and the like: ESC [ ... final, ESC O x, ESC x) are consumed, never
// inserted as text: this discipline edits no further than backspace.
// The mode (TtyMode: termios's ICANON, ECHO, ISIG) changes all of that: in raw mode every byte is
// input as it comes (a raw run is one queue entry that grows), echo may be off, and with Signals off
// the interrupt byte is input like any other. The quit and suspend bytes (termios's VQUIT and VSUSP,
// none unless set) are signals too: with Signals on they raise their own events, as the interrupt
// byte does, so that Ctrl-Z stops a program that is not reading the console. docs/design/tty.md.
using Vireo.Abi;

namespace Vireo.Ttyd;

public unsafe struct LineDiscipline
{
    public const int MaxLine = 1024;         // the edit buffer (above the shell's 480); a longer line is queued in parts
    public const int QueueBytes = 4096;      // completed lines not yet read
    public const int MaxQueuedLines = 64;
    public const int MaxEcho = 4;            // bytes Feed may hand back to echo

    public const byte Backspace = 0x08, Delete = 0x7F, Bell = 0x07, Escape = 0x1B;
    public const byte EndOfText = 0x03;      // Ctrl-C, the default interrupt byte: drop the line being edited, raise an interrupt
    public const byte EndOfTransmission = 0x04;   // Ctrl-D: end of file on an empty line
    public const byte FileSeparator = 0x1C;  // Ctrl-\, the usual quit byte: the quit event's kind
    public const byte Substitute = 0x1A;     // Ctrl-Z, the usual suspend byte: the suspend event's kind

    private fixed byte _edit[MaxLine];
    private int _editLength;
    private fixed byte _queue[QueueBytes];   // ring of the completed lines' bytes
    private int _queueStart, _queueBytes;
    private fixed int _lengths[MaxQueuedLines];   // ring of their lengths; 0 = an end of file
    private int _firstLine, _lineCount;
    private bool _afterReturn;
    private EscapeState _escape;
    private TtySignals _raised;   // events noted since TakeSignals
    private bool _behindInput;   // the first event since TakeSignals (TakeInterrupt) came with a line queued
    private bool _spilled;   // the line being edited began in the queue
    private bool _rawTail;   // the last queue entry is a raw run that later raw bytes extend
    // The mode, stored so that a zeroed discipline is the default one (canonical, echo, signals,
    // Ctrl-C, reads that wait for a byte).
    private TtyMode _modeFlipped;   // Mode ^ TtyMode.Default
    private byte _interruptFlipped; // InterruptByte ^ EndOfText (0 when default; EndOfText when none: VINTR disabled)
    private bool _returnAtOnce;     // least bytes 0
    private byte _quitByte, _suspendByte;   // 0: none

    public TtyMode Mode => _modeFlipped ^ TtyMode.Default;
    /// <summary>The byte that raises the interrupt event with Signals on (0: none).</summary>
    public byte InterruptByte => (byte)(_interruptFlipped ^ EndOfText);
    /// <summary>The least bytes a raw read waits for: 1, or 0 (answer at once, maybe with nothing).</summary>
    public int MinBytes => _returnAtOnce ? 0 : 1;
    /// <summary>The byte that raises the quit event with Signals on (0: none).</summary>
    public byte QuitByte => _quitByte;
    /// <summary>The byte that raises the suspend event with Signals on (0: none).</summary>
    public byte SuspendByte => _suspendByte;
    private bool Canonical => (Mode & TtyMode.Canonical) != 0;
    private bool Echoes => (Mode & TtyMode.Echo) != 0;
    private bool Signals => (Mode & TtyMode.Signals) != 0;

    /// <summary>Whether (mode, minBytes, interruptByte) is a mode SetMode takes.</summary>
    public static bool IsValidMode(ulong mode, ulong minBytes, ulong interruptByte, ulong quitByte = 0, ulong suspendByte = 0) =>
        (mode & ~(ulong)TtyMode.All) == 0 && minBytes <= 1 && interruptByte <= 0x7F &&
        quitByte <= 0x7F && suspendByte <= 0x7F;

    /// <summary>Changes the mode (check IsValidMode first). Leaving canonical mode makes the line
    /// being edited input as it is (nothing typed is lost); entering it starts a new line.</summary>
    public void SetMode(TtyMode mode, int minBytes, byte interruptByte, byte quitByte = 0, byte suspendByte = 0)
    {
        _quitByte = quitByte;
        _suspendByte = suspendByte;
        bool wasCanonical = Canonical;
        _modeFlipped = mode ^ TtyMode.Default;
        _returnAtOnce = minBytes == 0;
        _interruptFlipped = (byte)(interruptByte ^ EndOfText);
        _escape = EscapeState.None;
        if (wasCanonical && !Canonical)
        {
            int n = _editLength;
            _editLength = 0;
            _spilled = false;
            for (int i = 0; i < n && QueueRaw(_edit[i]); i++) { }
        }
        if (Canonical) _rawTail = false;
    }

    /// <summary>Whether the first interrupt not taken yet came behind completed lines nobody had read
    /// (the daemon tells the interrupt's hearer: TtyInterruptContext.BehindInput).</summary>
    public bool InterruptBehindInput => _behindInput;

    /// <summary>Whether Ctrl-C came since the last call (the daemon then raises the console's
    /// interrupt event). Leaves the other events noted.</summary>
    public bool TakeInterrupt()
    {
        bool was = (_raised & TtySignals.Interrupt) != 0;
        _raised &= ~TtySignals.Interrupt;
        return was;
    }

    /// <summary>The events (interrupt, quit, suspend) noted since the last call.</summary>
    public TtySignals TakeSignals()
    {
        TtySignals was = _raised;
        _raised = 0;
        return was;
    }

    private enum EscapeState : byte { None, Started, Sequence, OneMore }

    /// <summary>A completed line (or an end of file) is waiting to be read.</summary>
    public bool HasLine => _lineCount > 0;
    public int EditLength => _editLength;

    /// <summary>Takes one input byte; puts what the terminal should show into `echo` (MaxEcho
    /// bytes) and returns how many. A serial terminal sends CR for Enter, a pipe LF: either ends
    /// the line, and CR LF counts once.</summary>
    public int Feed(byte c, byte* echo)
    {
        int n;
        if (Signals && c != 0 && c == InterruptByte) n = Interrupt(echo, TtySignals.Interrupt, (byte)'C');
        else if (Signals && c != 0 && c == _quitByte) n = Interrupt(echo, TtySignals.Quit, (byte)'\\');
        else if (Signals && c != 0 && c == _suspendByte) n = Interrupt(echo, TtySignals.Suspend, (byte)'Z');
        else if (!Canonical) n = QueueRaw(c) ? EchoRaw(c, echo) : Ring(echo);
        else n = Edit(c, echo);
        return Echoes || n == 1 && echo[0] == Bell ? n : 0;
    }

    // The interrupt (quit, suspend) byte with Signals on: the line being edited is dropped (the queue
    // keeps what is in it, as with NOFLSH), ^C (^\, ^Z) is shown, and the daemon raises the event.
    private int Interrupt(byte* echo, TtySignals kind, byte shown)
    {
        _escape = EscapeState.None;
        // Where it came is the state before it (the spilled start it queues below is not input it
        // came behind), and the first one of a batch speaks for the batch.
        if (_raised == 0) _behindInput = _lineCount > 0;
        _raised |= kind;
        if (Canonical)
        {
            _editLength = 0;
            if (_spilled) _spilled = !Queue(true);   // end the queued start, or it joins the next line
        }
        echo[0] = (byte)'^';
        echo[1] = shown;
        echo[2] = (byte)'\n';
        return 3;
    }

    private static int EchoRaw(byte c, byte* echo)
    {
        if (c < 0x20 && c != (byte)'\r' && c != (byte)'\n' && c != (byte)'\t' && c != Backspace || c > 0x7E) return 0;
        echo[0] = c;
        return 1;
    }

    private static int Ring(byte* echo)
    {
        echo[0] = Bell;
        return 1;
    }

    // Canonical mode: one byte of the line being edited.
    private int Edit(byte c, byte* echo)
    {
        if (_escape != EscapeState.None || c == Escape) return SkipEscape(c);
        bool afterReturn = _afterReturn;
        _afterReturn = c == (byte)'\r';
        switch (c)
        {
            case (byte)'\r':
                return Complete(true, echo);
            case (byte)'\n':
                return afterReturn ? 0 : Complete(true, echo);
            case Backspace:
            case Delete:
                if (_editLength == 0) return 0;
                _editLength--;
                echo[0] = Backspace;
                echo[1] = (byte)' ';
                echo[2] = Backspace;
                return 3;
            case EndOfTransmission:
                return Complete(false, echo);
        }
        // Other control keys and non-ASCII are not text; the interrupt byte is, with Signals off.
        if ((c < 0x20 && c != (byte)'\t' || c > 0x7E) && (c == 0 || c != InterruptByte)) return 0;
        if (_editLength == MaxLine)
        {
            if (!Queue(false))
            {
                echo[0] = Bell;   // the queue is full: this byte is refused, the line so far is kept
                return 1;
            }
            _spilled = true;
        }
        _edit[_editLength++] = c;
        echo[0] = c;
        return 1;
    }

    /// <summary>Copies up to `max` bytes of the first waiting line into `into` without taking them
    /// (the reader may have died before it gets them). 0 for an end of file.</summary>
    public int Peek(byte* into, int max)
    {
        if (_lineCount == 0) return 0;
        int n = _lengths[_firstLine];
        if (n > max) n = max;
        for (int i = 0; i < n; i++) into[i] = _queue[(_queueStart + i) % QueueBytes];
        return n;
    }

    /// <summary>Takes `n` bytes (what Peek gave and the reader got) from the first waiting line;
    /// the rest of a long line waits for the next read. Consume(0) takes an end of file.</summary>
    public void Consume(int n)
    {
        if (_lineCount == 0) return;
        int length = _lengths[_firstLine];
        if (n > length) n = length;
        _queueStart = (_queueStart + n) % QueueBytes;
        _queueBytes -= n;
        _lengths[_firstLine] = length - n;
        if (length - n != 0) return;
        _firstLine = (_firstLine + 1) % MaxQueuedLines;
        _lineCount--;
        if (_lineCount == 0) _rawTail = false;
    }

    // Raw mode: the byte joins the raw run at the queue's end (a new entry after a line); false when
    // the queue is full.
    private bool QueueRaw(byte c)
    {
        if (_queueBytes == QueueBytes || !_rawTail && _lineCount == MaxQueuedLines) return false;
        _queue[(_queueStart + _queueBytes) % QueueBytes] = c;
        _queueBytes++;
        if (_rawTail) _lengths[(_firstLine + _lineCount - 1) % MaxQueuedLines]++;
        else
        {
            _lengths[(_firstLine + _lineCount) % MaxQueuedLines] = 1;
            _lineCount++;
            _rawTail = true;
        }
        return true;
    }

    // ESC, then '[' and parameters up to a final byte (0x40..0x7E), or 'O' and one byte, or one
    // other byte (Alt with a key): all of it is swallowed, nothing echoed.
    private int SkipEscape(byte c)
    {
        switch (_escape)
        {
            case EscapeState.None:
                _escape = EscapeState.Started;
                break;
            case EscapeState.Started:
                _escape = c == (byte)'[' ? EscapeState.Sequence : c == (byte)'O' ? EscapeState.OneMore : EscapeState.None;
                break;
            case EscapeState.Sequence:
                if (c >= 0x40 && c <= 0x7E) _escape = EscapeState.None;
                break;
            default:
                _escape = EscapeState.None;
                break;
        }
        return 0;
    }

    // Enter queues the line with its '\n'; Ctrl-D queues it without (an empty one is an end of
    // file). A full queue refuses the line and rings: input is never silently cut mid-line.
    private int Complete(bool newline, byte* echo)
    {
        if (!Queue(newline))
        {
            echo[0] = Bell;
            return 1;
        }
        _spilled = false;
        if (!newline) return 0;
        echo[0] = (byte)'\n';
        return 1;
    }

    // Moves the edit buffer (and the newline, if asked) to the queue as one entry; false when the
    // queue has no room for it.
    private bool Queue(bool newline)
    {
        int length = _editLength + (newline ? 1 : 0);
        if (_lineCount == MaxQueuedLines || _queueBytes + length > QueueBytes) return false;
        int end = (_queueStart + _queueBytes) % QueueBytes;
        for (int i = 0; i < _editLength; i++) _queue[(end + i) % QueueBytes] = _edit[i];
        if (newline) _queue[(end + _editLength) % QueueBytes] = (byte)'\n';
        _queueBytes += length;
        _lengths[(_firstLine + _lineCount) % MaxQueuedLines] = length;
        _lineCount++;
        _editLength = 0;
        _rawTail = false;
        return true;
    }
}
