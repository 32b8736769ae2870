using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using FsCheck.Fluent;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Tests.PropertyTesting;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Tests.Propagation;

[Trait("Category", "Reliability")]
public class TraceStateCodecProperties(ITestOutputHelper output)
{
    private const string Parser = "tracestate";

    /// <summary>Members outside the grammar: keys in upper case or starting with other than a letter or digit, bad values.</summary>
    private static readonly string[] InvalidMembers = ["Rojo=1", "_a=1", "@a=1", "a=", "a=b=c", "=v", "novalue", $"{new string('k', 257)}=v", "a=\u0001", "a=v\u00e9"];

    [Fact]
    public void Any_string_normalizes_without_throwing_to_canonical_output_and_all_paths_agree()
    {
        PropertyRun.Check(output, Parser, "strings", HostileInput.Strings(ValidHeaders.TraceState), value =>
        {
            bool fromString = TraceStateCodec.TryNormalize(value, out string? stringState);
            bool fromChars = TraceStateCodec.TryNormalize(value.AsSpan(), out string? charsState);
            bool fromBytes = TraceStateCodec.TryNormalize(Encoding.UTF8.GetBytes(value), out string? bytesState);

            Assert.Equal(fromString, fromChars);
            Assert.Equal(fromString, fromBytes);
            Assert.Equal(stringState, charsState);
            Assert.Equal(stringState, bytesState);
            AssertCanonical(value, stringState);
        });
    }

    [Fact]
    public void Any_bytes_normalize_without_throwing_to_canonical_output()
    {
        PropertyRun.Check(output, Parser, "bytes", HostileInput.Bytes(ValidHeaders.TraceState), value =>
        {
            bool complete = TraceStateCodec.TryNormalize(value, out string? state);

            // Latin-1 maps each byte to one character: the characters path reads the same members (non-ASCII ones are
            // invalid on both paths).
            string text = Encoding.Latin1.GetString(value);
            AssertCanonical(text, state);
            Assert.Equal(complete, TraceStateCodec.TryNormalize(text, out string? again));
            Assert.Equal(state, again);
            Assert.True(!complete || Ascii.IsValid(value));
        });
    }

    [Fact]
    public void Valid_lists_normalize_to_their_members_in_order_within_the_limits()
    {
        PropertyRun.Check(output, Parser, "round-trip", ValidHeaders.TraceState, value =>
        {
            Assert.True(TraceStateCodec.TryNormalize(value, out string? state));
            string[] members = Members(value);
            string joined = string.Join(',', members);
            if (joined.Length <= TraceStateCodec.MaxLength)
            {
                Assert.Equal(members.Length == 0 ? null : joined, state);
            }
            else
            {
                AssertCanonical(value, state);
                Assert.True((state?.Length ?? 0) <= TraceStateCodec.MaxLength);
            }
        });
    }

    [Fact]
    public void A_duplicated_key_an_invalid_member_or_a_33rd_member_is_discarded_and_the_rest_kept()
    {
        var inputs = ValidHeaders.TraceStateMembers.Zip(FsCheck.Fluent.Gen.Choose(0, int.MaxValue)).Zip(FsCheck.Fluent.Gen.Elements(InvalidMembers));
        PropertyRun.Check(output, Parser, "discarded-members", inputs, input =>
        {
            ((KeyValuePair<string, string>[] members, int position), string invalid) = input;
            List<string> list = members.Select(m => $"{m.Key}={m.Value}").ToList();
            Assert.True(TraceStateCodec.TryNormalize(string.Join(',', list), out string? expected));

            // An invalid member anywhere: discarded, the others kept as they were.
            List<string> withInvalid = [.. list];
            withInvalid.Insert(position % (list.Count + 1), invalid);
            Assert.False(TraceStateCodec.TryNormalize(string.Join(',', withInvalid), out string? state));
            Assert.Equal(expected, state);

            if (members.Length == 0)
            {
                return;
            }

            // A later member with a key already there: discarded, the first one kept.
            int original = position % members.Length;
            int after = original + 1 + (position / members.Length % (members.Length - original));
            List<string> duplicated = [.. list];
            duplicated.Insert(after, $"{members[original].Key}=other");
            Assert.False(TraceStateCodec.TryNormalize(string.Join(',', duplicated), out state));
            Assert.Equal(expected, state);

            // More than 32 members: the left-most 32 kept.
            IEnumerable<string> padded = list.Concat(Enumerable.Range(0, TraceStateCodec.MaxMembers + 1 - members.Length).Select(i => $"pad{i}x=1"));
            string tooMany = string.Join(',', padded);
            Assert.True(TraceStateCodec.TryNormalize(string.Join(',', padded.Take(TraceStateCodec.MaxMembers)), out expected));
            Assert.False(TraceStateCodec.TryNormalize(Encoding.ASCII.GetBytes(tooMany), out state));
            Assert.Equal(expected, state);
        });
    }

    /// <summary>
    /// What every normalization gives, whatever was discarded: no trace state, or canonical members (no white space, no
    /// empty member), at most 32 of them with unique keys, within <see cref="TraceStateCodec.MaxLength"/>, each one of the
    /// input's members in the input's order, and a fixed point of the codec (every member kept is valid).
    /// </summary>
    private static void AssertCanonical(string input, string? state)
    {
        if (state is null)
        {
            return;
        }

        Assert.True(state.Length <= TraceStateCodec.MaxLength);
        string[] members = state.Split(',');
        Assert.True(members.Length <= TraceStateCodec.MaxMembers);
        Assert.All(members, m => Assert.True(m.Length > 0 && m.Trim(' ', '\t') == m && m.IndexOf('=', StringComparison.Ordinal) > 0));
        Assert.Equal(members.Length, members.Select(m => m[..m.IndexOf('=', StringComparison.Ordinal)]).Distinct(StringComparer.Ordinal).Count());

        // Whole members of the input, in order (truncation removes members, never cuts one).
        string[] inputMembers = Members(input);
        int next = 0;
        foreach (string member in members)
        {
            next = Array.IndexOf(inputMembers, member, next) + 1;
            Assert.True(next > 0, $"'{member}' is not a member of the input");
        }

        Assert.True(TraceStateCodec.TryNormalize(state, out string? again));
        Assert.Same(state, again);
    }

    private static string[] Members(string list) =>
        list.Split(',').Select(m => m.Trim(' ', '\t')).Where(m => m.Length > 0).ToArray();
}
