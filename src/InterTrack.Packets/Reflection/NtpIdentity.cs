using System.Buffers.Binary;

namespace InterTrack.Packets.Reflection;

/// <summary>
/// What ties an NTP answer that amplifies to its request. Mode 6 (control messages, RFC 9327): a 12-byte header whose
/// second byte holds the response bit and the opcode and whose sequence number the server echoes in every fragment of
/// its answer. Mode 7 (ntpd's private mode, ntpdc; monlist is request code 42, MON_GETLIST_1): the first byte holds the
/// response bit, the header names the implementation and the request code, echoed; its sequence field numbers an
/// answer's datagrams, so it ties nothing. Modes 1–5 (time itself) answer with as many bytes as they get: not reflection.
/// </summary>
internal static class NtpIdentity
{
    private const int ControlHeaderLength = 12;
    private const int PrivateHeaderLength = 8;

    public static byte[]? Read(ReadOnlySpan<byte> payload, bool response)
    {
        if (payload.Length < PrivateHeaderLength || ((payload[0] >> 3) & 0x07) is 0 or > 4)
        {
            return null; // versions 1–4 only
        }
        switch (payload[0] & 0x07)
        {
            case 6:
                bool controlResponse = (payload[1] & 0x80) != 0;
                if (payload.Length < ControlHeaderLength || controlResponse != response)
                {
                    return null;
                }
                var control = new byte[4];
                control[0] = 6;
                control[1] = (byte)(payload[1] & 0x1F); // the opcode, without the response, error and more bits
                BinaryPrimitives.WriteUInt16BigEndian(control.AsSpan(2), BinaryPrimitives.ReadUInt16BigEndian(payload[2..]));
                return control;
            case 7:
                bool privateResponse = (payload[0] & 0x80) != 0;
                return privateResponse == response ? [7, payload[2], payload[3]] : null;
            default:
                return null;
        }
    }
}
