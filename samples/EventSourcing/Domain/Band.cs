using System;
using System.Collections.Generic;

namespace EventSourcing.Domain;

/// <summary>
/// The event-sourced aggregate: a band with its reviews. Its state is rebuilt from its events; a decision
/// records new events (<see cref="PendingEvents"/>) that the repository appends to the band's stream.
/// </summary>
public sealed class Band
{
    private readonly List<object> _pending = new();

    private Band(string id)
    {
        Id = id;
    }

    /// <summary>Gets the band's id (its stream is <c>band-{id}</c>).</summary>
    public string Id { get; }

    /// <summary>Gets the band's name.</summary>
    public string Name { get; private set; } = string.Empty;

    /// <summary>Gets a value indicating whether the band has been featured.</summary>
    public bool IsFeatured { get; private set; }

    /// <summary>Gets the number of reviews.</summary>
    public int ReviewCount { get; private set; }

    /// <summary>Gets the number of events stored for the band, before the pending ones.</summary>
    public long Version { get; private set; }

    /// <summary>Gets the events decided but not stored yet.</summary>
    public IReadOnlyList<object> PendingEvents => _pending;

    /// <summary>Registers a new band.</summary>
    /// <param name="id">The band's id.</param>
    /// <param name="name">The band's name.</param>
    /// <returns>The band with a pending <see cref="BandRegistered"/>.</returns>
    public static Band Register(string id, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new DomainException("A band needs a name.");
        }

        var band = new Band(id);
        band.Raise(new BandRegistered(id, name.Trim()));
        return band;
    }

    /// <summary>Rebuilds a band from its stored events.</summary>
    /// <param name="id">The band's id.</param>
    /// <param name="history">The events of its stream, oldest first.</param>
    /// <returns>The band, or null when the stream is empty (no such band).</returns>
    public static Band? FromHistory(string id, IEnumerable<object> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var band = new Band(id);
        foreach (object @event in history)
        {
            band.Apply(@event);
            band.Version++;
        }

        return band.Version == 0 ? null : band;
    }

    /// <summary>Adds a review.</summary>
    /// <param name="reviewId">The review's id.</param>
    /// <param name="rating">1 to 5.</param>
    /// <param name="comment">Optional text.</param>
    public void AddReview(string reviewId, int rating, string? comment)
    {
        if (rating is < 1 or > 5)
        {
            throw new DomainException($"A rating is 1 to 5, not {rating}.");
        }

        Raise(new ReviewAdded(Id, reviewId, rating, string.IsNullOrWhiteSpace(comment) ? null : comment.Trim()));
    }

    /// <summary>Features the band; featuring it again changes nothing (no event), so the command is idempotent.</summary>
    /// <param name="reason">Why.</param>
    public void Feature(string reason)
    {
        if (!IsFeatured)
        {
            Raise(new BandFeatured(Id, reason));
        }
    }

    /// <summary>Marks the pending events as stored: they count in <see cref="Version"/> from now on.</summary>
    public void MarkStored()
    {
        Version += _pending.Count;
        _pending.Clear();
    }

    private void Raise(object @event)
    {
        Apply(@event);
        _pending.Add(@event);
    }

    private void Apply(object @event)
    {
        switch (@event)
        {
            case BandRegistered registered:
                Name = registered.Name;
                break;
            case ReviewAdded:
                ReviewCount++;
                break;
            case BandFeatured:
                IsFeatured = true;
                break;
            default:
                throw new InvalidOperationException($"A band has no event {@event.GetType().Name}.");
        }
    }
}
