namespace EventSourcing.Projections;

/// <summary>A band's review statistics.</summary>
/// <param name="BandId">The band.</param>
/// <param name="ReviewCount">The number of reviews.</param>
/// <param name="RatingSum">The sum of their ratings.</param>
/// <param name="Version">The last applied version of the band's stream.</param>
public sealed record ReviewStats(string BandId, int ReviewCount, int RatingSum, long Version)
{
    /// <summary>Gets the average rating, 0 without reviews.</summary>
    public double AverageRating => ReviewCount == 0 ? 0 : (double)RatingSum / ReviewCount;
}
