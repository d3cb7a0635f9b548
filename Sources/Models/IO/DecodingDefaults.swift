// DecodingDefaults — reading a saved value whose file may predate some of its fields: an absent
// key keeps the value already there (the type's default), a present one must decode.

extension KeyedDecodingContainer {
    /// Decodes `key` into `value` when the key is present; leaves `value` as it is otherwise.
    public func take<T: Decodable>(_ key: Key, into value: inout T) throws {
        if let v = try decodeIfPresent(T.self, forKey: key) { value = v }
    }
}
