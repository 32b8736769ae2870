namespace EventSourcing.ProcessManagers;

/// <summary>What the featuring process manager remembers about one band.</summary>
internal sealed class FeaturingState
{
    /// <summary>Gets or sets the last handled version of the band's stream.</summary>
    public long Version { get; set; }

    /// <summary>Gets or sets the number of reviews.</summary>
    public int Reviews { get; set; }

    /// <summary>Gets or sets the sum of the ratings.</summary>
    public int RatingSum { get; set; }

    /// <summary>Gets or sets a value indicating whether the band was featured or a feature command sent.</summary>
    public bool FeatureRequested { get; set; }
}
