using System.Net.Sockets;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace InterTrack.Flow;

/// <summary>
/// Receives up to <see cref="Slots"/> datagrams of a UDP socket in one system call (Linux, 64-bit: recvmmsg(2)), each in
/// a slot of its own big enough for any datagram, with the sender's address beside it. Elsewhere one datagram a call
/// (<see cref="Socket.ReceiveFrom(Span{byte}, SocketFlags, SocketAddress)"/>). The buffers are pinned arrays, allocated
/// once: the kernel writes into them only during the call, and they never move.
/// </summary>
internal sealed partial class ManyDatagrams
{
    public const int Slots = 32;
    private const int SlotBytes = DatagramBatch.MaxDatagram, NameBytes = 128; // sizeof(struct sockaddr_storage)
    private const int MsgDontWait = 0x40, MsgWaitForOne = 0x10000, EAgain = 11, EIntr = 4;
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);
    private readonly Socket _socket;
    private readonly bool _batched = OperatingSystem.IsLinux() && IntPtr.Size == 8;
    private readonly byte[] _data = GC.AllocateArray<byte>(Slots * SlotBytes, pinned: true);
    private readonly byte[] _names = GC.AllocateArray<byte>(Slots * NameBytes, pinned: true);
    private readonly MMsgHdr[] _headers = GC.AllocateArray<MMsgHdr>(Slots, pinned: true);
    private readonly IoVec[] _vectors = GC.AllocateArray<IoVec>(Slots, pinned: true);
    private readonly int[] _lengths = new int[Slots], _nameLengths = new int[Slots];
    private readonly SocketAddress _from;

    public ManyDatagrams(Socket socket)
    {
        _socket = socket;
        _from = new SocketAddress(socket.AddressFamily, SocketAddress.GetMaximumAddressSize(socket.AddressFamily));
        for (int i = 0; i < Slots; i++)
        {
            _vectors[i] = new IoVec { Base = Marshal.UnsafeAddrOfPinnedArrayElement(_data, i * SlotBytes), Length = SlotBytes };
            _headers[i].Name = Marshal.UnsafeAddrOfPinnedArrayElement(_names, i * NameBytes);
            _headers[i].Vectors = Marshal.UnsafeAddrOfPinnedArrayElement(_vectors, i);
            _headers[i].VectorCount = 1;
        }
    }

    /// <summary>The bytes of a datagram received by the last <see cref="Receive"/>.</summary>
    public ReadOnlySpan<byte> Datagram(int i) => _data.AsSpan(i * SlotBytes, _lengths[i]);

    /// <summary>Its sender's address, as the system's sockaddr (what <see cref="SocketAddress.Buffer"/> holds).</summary>
    public ReadOnlySpan<byte> Sender(int i) => _batched ? _names.AsSpan(i * NameBytes, _nameLengths[i]) : _from.Buffer.Span[.._from.Size];

    /// <summary>
    /// Receives what the socket's queue holds, up to <see cref="Slots"/> datagrams; when it is empty, waits for one if
    /// <paramref name="wait"/>, else returns 0.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The socket was closed.</exception>
    /// <exception cref="SocketException">The receive failed.</exception>
    public int Receive(bool wait)
    {
        while (true)
        {
            int received = _batched ? ReceiveMany(wait) : ReceiveOne(wait);
            if (received > 0 || !wait)
            {
                return received;
            }
            _socket.Poll(Idle, SelectMode.SelectRead); // the descriptor does not block (a closing socket wakes this)
        }
    }

    private int ReceiveOne(bool wait)
    {
        if (!wait && !_socket.Poll(TimeSpan.Zero, SelectMode.SelectRead))
        {
            return 0;
        }
        _from.Size = SocketAddress.GetMaximumAddressSize(_socket.AddressFamily); // the last receive set it to the sender's
        _lengths[0] = _socket.ReceiveFrom(_data.AsSpan(0, SlotBytes), SocketFlags.None, _from);
        return 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see CollectorStages: hot from the first datagram
    private int ReceiveMany(bool wait)
    {
        for (int i = 0; i < Slots; i++)
        {
            _headers[i].NameLength = NameBytes; // the kernel sets it to the sender's
        }
        bool added = false;
        int received;
        var handle = _socket.SafeHandle;
        handle.DangerousAddRef(ref added); // a close waits for the call to return (and shuts the socket down to wake it)
        try
        {
            received = RecvMmsg((int)handle.DangerousGetHandle(), Marshal.UnsafeAddrOfPinnedArrayElement(_headers, 0), Slots,
                wait ? MsgWaitForOne : MsgDontWait, IntPtr.Zero);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
        if (received < 0)
        {
            int error = Marshal.GetLastPInvokeError();
            return error is EAgain or EIntr ? 0 : throw new SocketException(error);
        }
        int kept = 0;
        for (int i = 0; i < received; i++)
        {
            if (_headers[i].NameLength == 0)
            {
                continue; // no sender: a socket shut down to be closed, not a datagram
            }
            if (kept != i)
            {
                _data.AsSpan(i * SlotBytes, (int)_headers[i].Length).CopyTo(_data.AsSpan(kept * SlotBytes));
                _names.AsSpan(i * NameBytes, NameBytes).CopyTo(_names.AsSpan(kept * NameBytes));
            }
            (_lengths[kept], _nameLengths[kept]) = ((int)_headers[i].Length, _headers[i].NameLength);
            kept++;
        }
        return kept;
    }

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    private static partial int RecvMmsg(int fd, IntPtr headers, uint count, int flags, IntPtr timeout);

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public IntPtr Base;
        public nuint Length;
    }

    /// <summary>struct mmsghdr (a struct msghdr and the length received), as laid out on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 64)]
    private struct MMsgHdr
    {
        [FieldOffset(0)] public IntPtr Name;
        [FieldOffset(8)] public int NameLength;
        [FieldOffset(16)] public IntPtr Vectors;
        [FieldOffset(24)] public nuint VectorCount;
        [FieldOffset(32)] public IntPtr Control;
        [FieldOffset(40)] public nuint ControlLength;
        [FieldOffset(48)] public int Flags;
        [FieldOffset(56)] public uint Length;
    }
}
