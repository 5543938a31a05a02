using System.Buffers.Binary;
using InterTrack.Node.Tracing;

namespace InterTrack.Marking;

/// <summary>An ingress link of a DPM domain: the link, what is on its other side ("hosts", "as:N", a router), and its interface address.</summary>
internal sealed record DpmInterface(string Router, string Link, string From, uint Address);

/// <summary>
/// What a DPM domain learns from the packets the victim received: which of its ingress
/// interfaces the marks name (both halves arrived), and which packets each one marked. A mark is
/// the identification field and the reserved flag of the IPv4 header as the victim got it; a
/// marking domain nearer the victim overwrote ours, so then nothing of ours is named.
/// </summary>
internal sealed class DpmIngress
{
    private DpmIngress(IReadOnlyDictionary<DpmInterface, List<int>> named, int asked)
    {
        Named = named;
        Asked = asked;
    }

    /// <summary>Interfaces whose both halves arrived, with the indices of the packets carrying one of their halves.</summary>
    public IReadOnlyDictionary<DpmInterface, List<int>> Named { get; }

    /// <summary>IPv4 packets asked about (DPM marks only IPv4).</summary>
    public int Asked { get; }

    /// <summary>Packets a named interface marked.</summary>
    public int Attributed => Named.Values.SelectMany(i => i).Distinct().Count();

    public static DpmIngress Of(IReadOnlyList<TracedPacket?> packets, IReadOnlyList<DpmInterface> interfaces)
    {
        var marks = new List<(int Index, ushort Id, bool Lower)>();
        for (int i = 0; i < packets.Count; i++)
        {
            if (packets[i]?.Ip is { Length: >= 20 } ip && ip[0] >> 4 == 4)
            {
                marks.Add((i, BinaryPrimitives.ReadUInt16BigEndian(ip.AsSpan(4)), (ip[6] & 0x80) != 0));
            }
        }
        var named = DeterministicMarking.Reconstruct(marks.Select(m => (m.Id, m.Lower)), interfaces.Select(i => i.Address)).ToHashSet();
        var result = new Dictionary<DpmInterface, List<int>>();
        foreach (var face in interfaces.Where(f => named.Contains(f.Address)))
        {
            result[face] = [.. marks.Where(m => m.Id == (ushort)(m.Lower ? face.Address : face.Address >> 16)).Select(m => m.Index)];
        }
        return new DpmIngress(result, marks.Count);
    }

    /// <summary>The ingress router's mark in an IPv4 header: one half of <paramref name="interfaceAddress"/> and which half.</summary>
    public static void Mark(Span<byte> ipv4, uint interfaceAddress, Random random)
    {
        var (id, lower) = DeterministicMarking.Mark(interfaceAddress, random);
        BinaryPrimitives.WriteUInt16BigEndian(ipv4[4..], id);
        ipv4[6] = (byte)(lower ? ipv4[6] | 0x80 : ipv4[6] & 0x7F);
    }
}
