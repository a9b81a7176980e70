import Foundation

/// A point on Earth in degrees (WGS 84), as places record their sites.
public struct Coordinates: Sendable, Equatable {
    public let latitude: Double
    public let longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }

    /// Both values, or nil when either is unknown.
    public init?(latitude: Double?, longitude: Double?) {
        guard let latitude, let longitude else { return nil }
        self.init(latitude: latitude, longitude: longitude)
    }

    /// Great-circle distance (haversine on a sphere of 6 371 km), in kilometres.
    public func kilometres(to other: Coordinates) -> Double {
        let radians = Double.pi / 180
        let dLat = (other.latitude - latitude) * radians, dLon = (other.longitude - longitude) * radians
        let a = sin(dLat / 2) * sin(dLat / 2)
            + cos(latitude * radians) * cos(other.latitude * radians) * sin(dLon / 2) * sin(dLon / 2)
        // Rounding can put `a` a hair above 1 for antipodes: sqrt(1 - a) would be NaN, and Int(NaN) traps in a page.
        let bounded = min(1, max(0, a))
        return 6371 * 2 * atan2(sqrt(bounded), sqrt(1 - bounded))
    }
}
