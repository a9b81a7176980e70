public enum OutboxMailTag {}
/// One row of the mail outbox: one message to one recipient (PassnumPersistence/Mail/Outbox.swift).
public typealias OutboxMailID = Identifier<OutboxMailTag>
