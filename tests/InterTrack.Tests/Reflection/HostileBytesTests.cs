using InterTrack.Packets.Reflection;
using static InterTrack.Tests.Reflection.ReflectionExchanges;

namespace InterTrack.Tests.Reflection;

/// <summary>
/// Keys are read from whatever a reflector's edge or a victim captures: cut, damaged or made-up bytes give a key or
/// null, never an exception, and a packet cut short never gives another request's key.
/// </summary>
public sealed class HostileBytesTests
{
    private static IEnumerable<byte[]> Samples() => All().SelectMany(e => new[] { false, true }.SelectMany(v6 =>
        e.Responses.Select(r => ResponsePacket(e, r, v6)).Prepend(RequestPacket(e, v6))).Append(WithHopByHop(RequestPacket(e, ipv6: true))));

    [Fact]
    public void A_packet_cut_anywhere_gives_no_key_or_its_own()
    {
        foreach (byte[] packet in Samples())
        {
            var whole = (Request: ReflectionKey.OfRequest(packet), Response: ReflectionKey.OfResponse(packet));
            for (int length = 0; length < packet.Length; length++)
            {
                var cut = packet[..length];
                var (request, response) = (ReflectionKey.OfRequest(cut), ReflectionKey.OfResponse(cut));
                Assert.True(request is null || request.Equals(whole.Request), $"{length} bytes of {packet.Length}: {request}");
                Assert.True(response is null || response.Equals(whole.Response), $"{length} bytes of {packet.Length}: {response}");
                if (length <= (packet[0] >> 4 == 6 ? 48 : 28))
                {
                    Assert.Null(request ?? response); // no UDP payload at all
                }
            }
        }
    }

    [Fact]
    public void A_request_cut_inside_its_identity_gives_no_key()
    {
        byte[] dns = RequestPacket(Dns());
        Assert.Null(ReflectionKey.OfRequest(dns.AsSpan(..(28 + 12 + 5)))); // inside the question's name
        byte[] cldap = RequestPacket(Cldap());
        Assert.Null(ReflectionKey.OfRequest(cldap.AsSpan(..(28 + 4)))); // the messageID's tag and length, not its value
        byte[] memcached = RequestPacket(Memcached());
        Assert.Null(ReflectionKey.OfRequest(memcached.AsSpan(..(28 + 8)))); // the frame header and no command
    }

    [Fact]
    public void Damaged_and_made_up_packets_give_a_key_or_null_and_never_throw()
    {
        var random = new Random(19); // fixed: a failure is the same input every run
        var samples = Samples().ToList();
        int keys = 0;
        for (int n = 0; n < 20_000; n++)
        {
            byte[] input = Damage(random, samples[random.Next(samples.Count)]);
            try
            {
                foreach (var key in new[] { ReflectionKey.OfRequest(input), ReflectionKey.OfResponse(input) }.OfType<ReflectionKey>())
                {
                    Assert.Equal(32, key.Hash().Length);
                    keys++;
                }
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"input {n} ({Convert.ToHexString(input)}) threw {e}");
            }
        }
        Assert.InRange(keys, 1, 39_999); // the damage both kept some keys readable and broke others
    }

    [Fact]
    public void Oversized_packets_and_length_fields_are_not_trusted()
    {
        var e = Memcached();
        byte[] request = RequestPacket(e);
        byte[] padded = [.. request, .. new byte[100_000]]; // longer than any IP packet: the IP length says where it ends
        Assert.Equal(ReflectionKey.OfRequest(request), ReflectionKey.OfRequest(padded));
        byte[] udpTooLong = (byte[])request.Clone();
        udpTooLong[24] = udpTooLong[25] = 0xFF; // a UDP length past the IP packet, with no fragments to follow
        Assert.Null(ReflectionKey.OfRequest(udpTooLong));
        byte[] headerTooLong = (byte[])request.Clone();
        headerTooLong[0] = 0x4F; // a 60-byte IP header in a 28-byte one
        headerTooLong[2] = 0;
        headerTooLong[3] = 30;
        Assert.Null(ReflectionKey.OfRequest(headerTooLong));
        byte[] cldap = RequestPacket(Cldap());
        byte[] hugeId = [.. cldap[..28], 0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x02, 0x84, 0x7F, 0xFF, 0xFF, 0xFF, .. cldap[28..]];
        Assert.Null(ReflectionKey.OfRequest(hugeId));
    }

    private static byte[] Damage(Random random, byte[] sample)
    {
        var input = (byte[])sample.Clone();
        switch (random.Next(5))
        {
            case 0: // bytes flipped
                for (int k = random.Next(1, 8); k > 0; k--) input[random.Next(input.Length)] = (byte)random.Next(256);
                return input;
            case 1: // a 16-bit field (a length, a count, a port) set to anything, in the headers most often
                int at = random.Next(Math.Min(input.Length - 1, random.Next(2) == 0 ? 64 : input.Length - 1));
                input[at] = (byte)random.Next(256);
                input[at + 1] = (byte)random.Next(256);
                return input;
            case 2: // cut short, as by a capture's snap length
                return input[..random.Next(input.Length)];
            case 3: // bytes inserted
                int where = random.Next(input.Length);
                var bytes = new byte[random.Next(1, 64)];
                random.NextBytes(bytes);
                return [.. input[..where], .. bytes, .. input[where..]];
            default: // made up after a plausible first byte
                var made = new byte[random.Next(1, 2000)];
                random.NextBytes(made);
                made[0] = random.Next(2) == 0 ? (byte)0x45 : (byte)0x60;
                return made;
        }
    }
}
