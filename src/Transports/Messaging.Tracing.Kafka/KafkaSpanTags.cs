using System;
using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;

namespace Messaging.Tracing.Kafka;

/// <summary>Sets the Kafka convention attributes on a recorded span.</summary>
internal static class KafkaSpanTags
{
    public static void SetMessage<TKey, TValue>(Activity? activity, Message<TKey, TValue>? message)
    {
        if (activity is not { IsAllDataRequested: true } || message is null)
        {
            return;
        }

        if (KeyText(message.Key) is { } key)
        {
            activity.SetTag(KafkaAttributes.MessageKey, key);
        }

        if (message.Value is null)
        {
            activity.SetTag(KafkaAttributes.Tombstone, true);
        }
    }

    public static void SetPosition(Activity? activity, TopicPartitionOffset? position)
    {
        if (activity is not { IsAllDataRequested: true } || position is null)
        {
            return;
        }

        if (position.Partition != Partition.Any)
        {
            activity.SetTag(KafkaAttributes.PartitionId, position.Partition.Value.ToString(CultureInfo.InvariantCulture));
        }

        if (position.Offset != Offset.Unset)
        {
            activity.SetTag(KafkaAttributes.Offset, position.Offset.Value);
        }
    }

    /// <summary>Records a failure; a Kafka error's code is the low-cardinality <c>error.type</c> the conventions prefer.</summary>
    public static void SetError(Activity? activity, Exception exception)
    {
        Spans.MessagingSpanExtensions.RecordMessagingException(activity, exception);
        if (activity is { IsAllDataRequested: true } && exception is KafkaException kafka)
        {
            activity.SetTag(Spans.MessagingAttributes.ErrorType, kafka.Error.Code.ToString());
        }
    }

    /// <summary>The key's canonical string form, or null: keys without one (bytes, Null, custom types) are not recorded.</summary>
    private static string? KeyText<TKey>(TKey key) => key switch
    {
        string text => text,
        int number => number.ToString(CultureInfo.InvariantCulture),
        long number => number.ToString(CultureInfo.InvariantCulture),
        Guid id => id.ToString(),
        _ => null,
    };
}
