using InterTrack.Protocol.Model;

namespace InterTrack.Protocol.Framing;

/// <summary>
/// Finds where one XML document ends in a byte stream that carries documents back to back with
/// no length prefix (the historic InterTrack framing). It follows just enough XML syntax to track
/// element depth — tags with quoted attributes, comments, CDATA, processing instructions — and
/// enforces the byte and depth caps as it goes, so nothing is parsed or buffered beyond them.
/// End tags must match their start tags (compared by a hash of the name), so a document with a
/// missing end tag is refused at once instead of swallowing the messages after it.
/// A DOCTYPE is refused here, before any parser sees it. Bytes are fed once each, in order,
/// possibly across many calls. UTF-8 is safe to scan byte-wise: multi-byte sequences never
/// contain ASCII bytes.
/// </summary>
internal sealed class FrameScanner(ProtocolLimits limits)
{
    private enum State { Prolog, Content, MarkupOpen, ProcessingInstruction, Bang, BangDash, BangCData, Comment, CData, StartTag, EndTag }

    private const string CDataOpen = "[CDATA[";

    private State _state = State.Prolog;
    private int _depth;
    private bool _rootSeen;
    private byte _prev;
    private byte _quote;
    private int _run; // dashes seen in a comment, brackets in CDATA, or matched chars of "[CDATA["
    private long _frameBytes;
    private ulong _nameHash;
    private bool _inName;
    private readonly ulong[] _openNames = new ulong[limits.MaxDepth + 1];

    /// <summary>Whitespace before the frame's first '&lt;' (not part of the document handed to the parser).</summary>
    public long LeadingWhitespace { get; private set; }

    /// <summary>True once any byte other than leading whitespace has been fed.</summary>
    public bool Started => _frameBytes > LeadingWhitespace;

    /// <summary>
    /// Feeds the next bytes. Returns the index in <paramref name="data"/> of the frame's last byte
    /// ('>' of the root end tag), or -1 when the frame needs more bytes.
    /// </summary>
    /// <exception cref="ProtocolException">The stream is not a well-framed document within the caps (fatal).</exception>
    public int Feed(ReadOnlySpan<byte> data)
    {
        for (int i = 0; i < data.Length; i++)
        {
            if (++_frameBytes > limits.MaxMessageBytes)
            {
                throw new ProtocolException($"message exceeds {limits.MaxMessageBytes} bytes")
                {
                    Fatal = true, Reply = ErrorType.RefusedLimit, PublicText = "message too large",
                };
            }
            if (Step(data[i]))
            {
                return i;
            }
        }
        return -1;
    }

    private bool Step(byte b)
    {
        switch (_state)
        {
            case State.Prolog:
                if (b == (byte)'<') _state = State.MarkupOpen;
                else if (IsSpace(b)) { if (_frameBytes == LeadingWhitespace + 1) LeadingWhitespace++; }
                else throw Fail("data outside of any XML element");
                break;
            case State.Content:
                if (b == (byte)'<') _state = State.MarkupOpen;
                break;
            case State.MarkupOpen:
                _prev = 0;
                if (b == (byte)'?') _state = State.ProcessingInstruction;
                else if (b == (byte)'!') _state = State.Bang;
                else if (b == (byte)'/')
                {
                    _state = _rootSeen ? State.EndTag : throw Fail("end tag before the root element");
                    _nameHash = FnvOffset;
                    _inName = true;
                }
                else if (IsNameStart(b))
                {
                    _state = State.StartTag;
                    _quote = 0;
                    StartName(b);
                }
                else throw Fail("malformed markup");
                break;
            case State.ProcessingInstruction:
                if (b == (byte)'>' && _prev == (byte)'?') _state = Outside;
                break;
            case State.Bang:
                if (b == (byte)'-') _state = State.BangDash;
                else if (b == (byte)'[' && _rootSeen) { _state = State.BangCData; _run = 1; }
                else throw Fail(b == (byte)'D' ? "DOCTYPE is not allowed" : "malformed markup");
                break;
            case State.BangDash:
                _state = b == (byte)'-' ? State.Comment : throw Fail("malformed comment");
                _run = 0;
                break;
            case State.BangCData:
                if (b != (byte)CDataOpen[_run]) throw Fail("malformed CDATA section");
                if (++_run == CDataOpen.Length) { _state = State.CData; _run = 0; }
                break;
            case State.Comment:
                if (b == (byte)'>' && _run >= 2) _state = Outside;
                _run = b == (byte)'-' ? _run + 1 : 0;
                break;
            case State.CData:
                if (b == (byte)'>' && _run >= 2) _state = State.Content;
                _run = b == (byte)']' ? _run + 1 : 0;
                break;
            case State.StartTag:
                if (_inName && ContinueName(b))
                {
                    break;
                }
                if (_quote != 0)
                {
                    if (b == _quote) _quote = 0;
                    break;
                }
                if (b is (byte)'"' or (byte)'\'') _quote = b;
                else if (b == (byte)'<') throw Fail("malformed start tag");
                else if (b == (byte)'>')
                {
                    _rootSeen = true;
                    _state = State.Content;
                    if (_prev == (byte)'/') return _depth == 0;
                    if (++_depth > limits.MaxDepth) throw Fail($"elements nested deeper than {limits.MaxDepth}");
                    _openNames[_depth] = _nameHash;
                }
                break;
            case State.EndTag:
                if (_inName && ContinueName(b))
                {
                    break;
                }
                if (b == (byte)'>')
                {
                    if (_openNames[_depth] != _nameHash) throw Fail("end tag does not match its start tag");
                    _state = State.Content;
                    return --_depth == 0;
                }
                break;
        }
        _prev = b;
        return false;
    }

    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    private void StartName(byte first)
    {
        _nameHash = (FnvOffset ^ first) * FnvPrime;
        _inName = true;
    }

    /// <summary>Adds a byte to the tag name being read; false (and the name ends) on a byte that cannot be in a name.</summary>
    private bool ContinueName(byte b)
    {
        if (IsSpace(b) || b is (byte)'>' or (byte)'/')
        {
            _inName = false;
            return false;
        }
        _nameHash = (_nameHash ^ b) * FnvPrime;
        return true;
    }

    private State Outside => _depth == 0 ? State.Prolog : State.Content;

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static bool IsNameStart(byte b) => b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or (byte)'_' or (byte)':' or >= 0x80;

    private static ProtocolException Fail(string reason) => new(reason) { Fatal = true, PublicText = "malformed message" };
}
