// The shell's grammar, parsed into fixed tables (no heap):
//   line     := stage ('|' stage)*  ['#' comment]
//   stage    := (word | '>' word | '>>' word | '<' word)+
//   word     := (plain | '...' | "..." | \c)+      plain text stops at blanks, | > < ' " and #
// `$?` outside single quotes becomes the last command's exit status. A word's bytes are kept with
// a NUL after them, which is how argv travels to the process manager.
using System;
using Vireo.User;

namespace Vireo.Shell;

public unsafe struct CommandLine
{
    public const int MaxText = 512, MaxWords = 32, MaxStages = 8;
    public const int None = -1;

    private fixed byte _text[MaxText];
    private int _used;
    private fixed short _wordStart[MaxWords];
    private fixed short _wordLength[MaxWords];
    private int _words;
    private fixed byte _args[MaxWords];        // word indices of the arguments, stage after stage
    private int _argCount;
    private fixed byte _stageFirstArg[MaxStages];
    private fixed byte _stageArgs[MaxStages];
    private fixed sbyte _stageIn[MaxStages];   // word index of the `<` file, or None
    private fixed sbyte _stageOut[MaxStages];  // word index of the `>` / `>>` file, or None
    private fixed byte _stageAppend[MaxStages];
    public int StageCount;

    public int ArgCount(int stage) => _stageArgs[stage];
    public ReadOnlySpan<byte> Arg(int stage, int i) => Word(_args[_stageFirstArg[stage] + i]);
    public bool HasInput(int stage) => _stageIn[stage] != None;
    public bool HasOutput(int stage) => _stageOut[stage] != None;
    public bool Appends(int stage) => _stageAppend[stage] != 0;
    public ReadOnlySpan<byte> Input(int stage) => Word(_stageIn[stage]);
    public ReadOnlySpan<byte> Output(int stage) => Word(_stageOut[stage]);

    private ReadOnlySpan<byte> Word(int w)
    {
        fixed (byte* t = _text) return new ReadOnlySpan<byte>(t + _wordStart[w], _wordLength[w]);
    }

    private enum Redirect { None, In, Out, Append }

    /// <summary>Parses `line`; on a syntax error returns false with `error` in words. A blank line
    /// (or a comment) parses to no stages.</summary>
    public bool Parse(byte* line, int length, long lastStatus, out string error)
    {
        _used = _words = _argCount = StageCount = 0;
        error = null;
        var pending = Redirect.None;
        StartStage();
        int i = 0;
        while (true)
        {
            while (i < length && IsBlank(line[i])) i++;
            if (i == length || line[i] == (byte)'#') break;
            byte c = line[i];
            if (c == (byte)'|' || c == (byte)'>' || c == (byte)'<')
            {
                if (pending != Redirect.None) return Fail(out error, "a file name must follow > >> <");
                if (c == (byte)'|')
                {
                    if (!StageHasCommand()) return Fail(out error, "a command must come before |");
                    if (StageCount == MaxStages) return Fail(out error, "too many commands in one pipeline");
                    StartStage();
                    i++;
                }
                else if (c == (byte)'<')
                {
                    pending = Redirect.In;
                    i++;
                }
                else
                {
                    bool twice = i + 1 < length && line[i + 1] == (byte)'>';
                    pending = twice ? Redirect.Append : Redirect.Out;
                    i += twice ? 2 : 1;
                }
                continue;
            }
            if (_words == MaxWords) return Fail(out error, "too many words");
            if (!ReadWord(line, length, ref i, lastStatus, out error)) return false;
            int s = StageCount - 1;
            int w = _words - 1;
            if (pending == Redirect.In) _stageIn[s] = (sbyte)w;
            else if (pending != Redirect.None)
            {
                _stageOut[s] = (sbyte)w;
                _stageAppend[s] = (byte)(pending == Redirect.Append ? 1 : 0);
            }
            else
            {
                _args[_argCount++] = (byte)w;
                _stageArgs[s]++;
            }
            pending = Redirect.None;
        }
        if (pending != Redirect.None) return Fail(out error, "a file name must follow > >> <");
        if (StageCount == 1 && _stageArgs[0] == 0 && !HasInput(0) && !HasOutput(0))
        {
            StageCount = 0;     // nothing but blanks
            return true;
        }
        if (!StageHasCommand()) return Fail(out error, StageCount > 1 ? "a command must follow |" : "a command must come before > >> <");
        return true;
    }

    private void StartStage()
    {
        int s = StageCount++;
        _stageFirstArg[s] = (byte)_argCount;
        _stageArgs[s] = 0;
        _stageIn[s] = None;
        _stageOut[s] = None;
        _stageAppend[s] = 0;
    }

    private bool StageHasCommand() => _stageArgs[StageCount - 1] > 0;

    private static bool IsBlank(byte c) => c == (byte)' ' || c == (byte)'\t' || c == (byte)'\r';

    private static bool EndsPlainText(byte c) =>
        IsBlank(c) || c == (byte)'|' || c == (byte)'>' || c == (byte)'<' || c == (byte)'#';

    private bool ReadWord(byte* line, int length, ref int i, long lastStatus, out string error)
    {
        error = null;
        int start = _used;
        while (i < length && !EndsPlainText(line[i]))
        {
            byte c = line[i];
            if (c == (byte)'\'' || c == (byte)'"')
            {
                int close = i + 1;
                while (close < length && line[close] != c) close++;
                if (close == length) return Fail(out error, "a quote is not closed");
                for (int k = i + 1; k < close; k++)
                {
                    if (c == (byte)'"' && IsStatus(line, close, k))
                    {
                        if (!PutStatus(lastStatus)) return Fail(out error, "the line is too long");
                        k++;
                    }
                    else if (!Put(line[k])) return Fail(out error, "the line is too long");
                }
                i = close + 1;
                continue;
            }
            if (IsStatus(line, length, i))
            {
                if (!PutStatus(lastStatus)) return Fail(out error, "the line is too long");
                i += 2;
                continue;
            }
            if (c == (byte)'\\' && i + 1 < length) c = line[++i];
            if (!Put(c)) return Fail(out error, "the line is too long");
            i++;
        }
        if (!Put(0)) return Fail(out error, "the line is too long");
        _wordStart[_words] = (short)start;
        _wordLength[_words] = (short)(_used - 1 - start);
        _words++;
        return true;
    }

    private static bool IsStatus(byte* line, int end, int i) => line[i] == (byte)'$' && i + 1 < end && line[i + 1] == (byte)'?';

    private bool Put(byte c)
    {
        if (_used == MaxText) return false;
        _text[_used++] = c;
        return true;
    }

    private bool PutStatus(long status)
    {
        byte* digits = stackalloc byte[Numbers.MaxDecimalDigits + 1];
        int n = Numbers.FormatDecimal(status, new Span<byte>(digits, Numbers.MaxDecimalDigits + 1));
        for (int k = 0; k < n; k++) if (!Put(digits[k])) return false;
        return true;
    }

    private static bool Fail(out string error, string why)
    {
        error = why;
        return false;
    }
}
