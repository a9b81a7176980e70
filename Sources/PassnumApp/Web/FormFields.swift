import PassnumDomain

// Reading the fields of a posted form: each reader returns the value, or nil and the French error next to the
// field, so a form shows every mistake at once.
extension FormErrors {
    /// A text that must not be blank, trimmed.
    mutating func required(_ text: String?, field: String, _ message: String) -> String {
        let value = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if value.isEmpty { add(field, message) }
        return value
    }

    /// A whole number in `range`, trimmed.
    mutating func number(_ text: String?, field: String, in range: ClosedRange<Int> = Int.min...Int.max, _ message: String) -> Int? {
        guard let value = Int((text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)), range.contains(value) else {
            add(field, message)
            return nil
        }
        return value
    }

    /// A whole number in `range`, or nil without error when the field is left blank.
    mutating func optionalNumber(_ text: String?, field: String, in range: ClosedRange<Int> = Int.min...Int.max, _ message: String) -> Int? {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return number(text, field: field, in: range, message)
    }

    /// A check's serial as printed (spaces allowed): 12 digits whose last is the check digit.
    mutating func serial(_ text: String?, field: String = "serial") -> CheckSerial? {
        switch CheckSerial.parse(text ?? "") {
        case .success(let serial): return serial
        case .failure(.badCheckDigit): add(field, French.refusal(.badCheckDigit))
        case .failure(.malformed): add(field, "Le numéro doit compter 12 chiffres.")
        }
        return nil
    }
}
