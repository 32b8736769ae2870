using System;
using System.Collections.Generic;
using System.Linq;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Testing.Hostile;
using OpenTelemetry.Context.Propagation;
using Xunit;

namespace Messaging.Tracing.Testing.Tests.Hostile;

public sealed class HostileHeaderCorpusTests
{
    public static TheoryData<string> SingleValuedCases() => new(HostileHeaderCorpus.All.Where(c => !c.HasRepeatedNames).Select(c => c.Name));

    [Fact]
    public void Names_are_unique_and_the_corpus_covers_what_issues_7_and_13_list()
    {
        string[] names = HostileHeaderCorpus.Names.ToArray();

        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Superset(
            new HashSet<string>(StringComparer.Ordinal)
            {
                "traceparent-1mib", "tracestate-1mib", "baggage-1mib", "tracestate-10000-members", "baggage-10000-members",
                "traceparent-invalid-utf8", "traceparent-crlf", "traceparent-control-characters", "traceparent-nul",
                "traceparent-upper-case-hex", "traceparent-zero-trace-id", "traceparent-version-ff", "traceparent-future-version",
                "traceparent-duplicated-conflicting", "traceparent-null", "traceparent-truncated", "traceparent-empty",
                "traceparent-whitespace-padding", "valid-traceparent-hostile-tracestate-and-baggage", "baggage-percent-encoding-errors",
                "traceparent-flags-03", "tracestate-level-2-keys", "tracestate-mixed-members",
            },
            new HashSet<string>(names, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(64)]
    [InlineData(100_000)]
    [InlineData(1 << 20)]
    public void Oversized_values_have_the_asked_size(int length)
    {
        IReadOnlyList<HostileHeaderCase> cases = HostileHeaderCorpus.Oversized(length);

        Assert.Equal(4, cases.Count);
        Assert.All(cases, c => Assert.Equal(length, c.Headers[^1].Length));
    }

    [Fact]
    public void A_header_never_shows_its_value()
    {
        HostileHeaderCase hostile = HostileHeaderCorpus.Get("tracestate-crlf");

        Assert.All(hostile.Headers, h => Assert.False(h.AppearsIn(h.ToString())));
        Assert.Equal("tracestate-crlf", hostile.ToString());
    }

    [Theory]
    [MemberData(nameof(SingleValuedCases))]
    public void The_expectations_hold_for_this_librarys_propagator(string name)
    {
        HostileHeaderCase hostile = HostileHeaderCorpus.Get(name);
        var carrier = hostile.Headers.ToDictionary(h => h.Name, h => h.Text!, StringComparer.Ordinal);

        PropagationContext extracted = MessagePropagator.Default.Extract<IDictionary<string, string>>(carrier, StringDictionaryCarrierAdapter.Instance);

        Assert.Equal(hostile.ParentTraceId ?? default, extracted.ActivityContext.TraceId);
        Assert.Equal(hostile.ParentSpanId ?? default, extracted.ActivityContext.SpanId);
        Assert.Equal(hostile.ParentFlags, extracted.ActivityContext.TraceFlags);
        Assert.Equal(hostile.TraceState, extracted.ActivityContext.TraceState);
        if (hostile.Outcome == HostileHeaderOutcome.ContinueWithBoundedBaggage)
        {
            Assert.InRange(extracted.Baggage.Count, 64, hostile.BaggageMembers.Count);
        }
        else
        {
            Assert.Equal(hostile.Baggage.OrderBy(m => m.Key, StringComparer.Ordinal), extracted.Baggage.GetBaggage().OrderBy(m => m.Key, StringComparer.Ordinal));
        }
    }

    [Fact]
    public void A_continuing_case_needs_its_parent()
    {
        Assert.Throws<ArgumentException>(() => new HostileHeaderCase("c", "d", [], HostileHeaderOutcome.Continue));
    }
}
