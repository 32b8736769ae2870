using System;
using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;

namespace Messaging.Tracing.Kafka;

/// <summary>Sets the Kafka convention attributes on a recorded span.</summary>
internal static class KafkaSpanTags
{
    // Topics rarely have more partitions than this; the strings of larger numbers are built per message.
    private const int CachedPartitionIds = 1024;

    private static readonly string?[] PartitionIds = new string?[CachedPartitionIds];

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

    /// <summary>
    /// Sets <c>messaging.destination.partition.id</c> and <c>messaging.kafka.offset</c>. Takes the two values rather than a
    /// <see cref="TopicPartitionOffset"/>, which Confluent's results build anew on every read of the property.
    /// </summary>
    public static void SetPosition(Activity? activity, Partition partition, Offset offset)
    {
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        if (partition != Partition.Any)
        {
            activity.SetTag(KafkaAttributes.PartitionId, PartitionId(partition.Value));
        }

        if (offset != Offset.Unset)
        {
            activity.SetTag(KafkaAttributes.Offset, offset.Value);
        }
    }

    /// <summary>Records a failure; a Kafka error's code is the low-cardinality <c>error.type</c> the conventions prefer.</summary>
    public static void SetError(Activity? activity, Exception exception)
    {
        Spans.MessagingSpanExtensions.RecordMessagingException(activity, exception);
        if (activity is { IsAllDataRequested: true } && exception is KafkaException kafka)
        {
            activity.SetTag(Spans.MessagingAttributes.ErrorType, ErrorType(kafka.Error));
        }
    }

    /// <summary>The <c>error.type</c> of a failure, as <see cref="SetError"/> records it: a Kafka error's code name, else the exception's full type name.</summary>
    public static string ErrorType(Exception exception) => exception is KafkaException kafka
        ? ErrorType(kafka.Error)
        : Spans.MessagingSpanExtensions.ErrorTypeOf(exception);

    /// <summary>The <c>error.type</c> of a Kafka error: its code's name (<c>Local_MsgTimedOut</c>, <c>TopicAuthorizationFailed</c>).</summary>
    public static string ErrorType(Error error) => error.Code.ToString();

    /// <summary>The partition number as the attribute's string; the first <see cref="CachedPartitionIds"/> are built once.</summary>
    private static string PartitionId(int partition)
    {
        if ((uint)partition >= CachedPartitionIds)
        {
            return partition.ToString(CultureInfo.InvariantCulture);
        }

        return PartitionIds[partition] ??= partition.ToString(CultureInfo.InvariantCulture);
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
