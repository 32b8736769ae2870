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
            AssertCanonical(value, fromString, stringState);
        });
    }

    [Fact]
    public void Any_bytes_normalize_without_throwing_to_canonical_output()
    {
        PropertyRun.Check(output, Parser, "bytes", HostileInput.Bytes(ValidHeaders.TraceState), value =>
        {
            bool valid = TraceStateCodec.TryNormalize(value, out string? state);
            AssertCanonical(valid ? Encoding.ASCII.GetString(value) : string.Empty, valid, state);
            if (valid)
            {
                // Only ASCII can be valid, so the characters path reads the same list.
                Assert.True(Ascii.IsValid(value));
                Assert.True(TraceStateCodec.TryNormalize(Encoding.ASCII.GetString(value), out string? again));
                Assert.Equal(state, again);
            }
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
                AssertCanonical(value, valid: true, state);
                Assert.True((state?.Length ?? 0) <= TraceStateCodec.MaxLength);
            }
        });
    }

    [Fact]
    public void A_duplicated_key_or_a_33rd_member_drops_the_whole_list()
    {
        var inputs = ValidHeaders.TraceStateMembers.Zip(FsCheck.Fluent.Gen.Choose(0, int.MaxValue));
        PropertyRun.Check(output, Parser, "duplicates-and-33-members", inputs, input =>
        {
            (KeyValuePair<string, string>[] members, int position) = input;
            if (members.Length == 0)
            {
                return;
            }

            KeyValuePair<string, string> repeated = members[position % members.Length];
            string duplicated = string.Join(',', members.Select(m => $"{m.Key}={m.Value}").Append($"{repeated.Key}=other"));
            Assert.False(TraceStateCodec.TryNormalize(duplicated, out string? state));
            Assert.Null(state);

            IEnumerable<string> padded = Enumerable.Range(0, TraceStateCodec.MaxMembers + 1 - members.Length).Select(i => $"pad{i}x=1");
            string tooMany = string.Join(',', members.Select(m => $"{m.Key}={m.Value}").Concat(padded));
            Assert.False(TraceStateCodec.TryNormalize(Encoding.ASCII.GetBytes(tooMany), out state));
            Assert.Null(state);
        });
    }

    /// <summary>
    /// What every successful normalization gives: canonical members (no white space, no empty member), at most 32 of them
    /// with unique keys, within <see cref="TraceStateCodec.MaxLength"/>, each one of the input's members in the input's
    /// order, and a fixed point of the codec.
    /// </summary>
    private static void AssertCanonical(string input, bool valid, string? state)
    {
        if (!valid || state is null)
        {
            Assert.True(valid || state is null);
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
