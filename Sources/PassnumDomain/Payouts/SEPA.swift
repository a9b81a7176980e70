import Foundation

/// A SEPA credit transfer file, ISO 20022 `pain.001.001.03`: one payment information block (the operator's
/// account), one transaction per place. Pure: it only writes text.
public enum SEPACreditTransfer {
    public struct Account: Sendable, Equatable {
        public var name: String
        public var iban: String
        public var bic: String

        public init(name: String, iban: String, bic: String) {
            self.name = name
            self.iban = iban
            self.bic = bic
        }
    }

    public struct Transfer: Sendable, Equatable {
        /// The payout reference, carried to the place's bank statement.
        public var endToEndID: String
        public var amount: Money
        public var creditor: Account
        /// What the place reads on its statement: the month and the number of checks.
        public var remittance: String

        public init(endToEndID: String, amount: Money, creditor: Account, remittance: String) {
            self.endToEndID = endToEndID
            self.amount = amount
            self.creditor = creditor
            self.remittance = remittance
        }
    }

    /// "12.50": euros with two decimals and a dot, as the schema wants.
    public static func amount(_ money: Money) -> String { money.dotDecimal }

    /// Text reduced to the SEPA character set (Latin letters without accents, digits, / - ? : ( ) . , ' + space;
    /// anything else becomes a space, runs of spaces one), cut to `maximum` characters, XML-escaped.
    public static func text(_ value: String, maximum: Int) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ")
        let folded = value.folding(options: .diacriticInsensitive, locale: nil)
        let words = String(folded.map { allowed.contains($0) ? $0 : " " }).split(separator: " ")
        let plain = String(words.joined(separator: " ").prefix(maximum))
        return plain.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "'", with: "&apos;")
    }

    public static func document(messageID: String, createdAt: Date, executionDate: CivilDate, debtor: Account, transfers: [Transfer]) -> String {
        let total = transfers.reduce(Money.zero) { $0 + $1.amount }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
              <CstmrCdtTrfInitn>
                <GrpHdr>
                  <MsgId>\(text(messageID, maximum: 35))</MsgId>
                  <CreDtTm>\(formatter.string(from: createdAt).replacingOccurrences(of: "Z", with: ""))</CreDtTm>
                  <NbOfTxs>\(transfers.count)</NbOfTxs>
                  <CtrlSum>\(amount(total))</CtrlSum>
                  <InitgPty><Nm>\(text(debtor.name, maximum: 70))</Nm></InitgPty>
                </GrpHdr>
                <PmtInf>
                  <PmtInfId>\(text(messageID, maximum: 35))</PmtInfId>
                  <PmtMtd>TRF</PmtMtd>
                  <NbOfTxs>\(transfers.count)</NbOfTxs>
                  <CtrlSum>\(amount(total))</CtrlSum>
                  <PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>
                  <ReqdExctnDt>\(executionDate)</ReqdExctnDt>
                  <Dbtr><Nm>\(text(debtor.name, maximum: 70))</Nm></Dbtr>
                  <DbtrAcct><Id><IBAN>\(debtor.iban)</IBAN></Id></DbtrAcct>
                  <DbtrAgt><FinInstnId><BIC>\(debtor.bic)</BIC></FinInstnId></DbtrAgt>
                  <ChrgBr>SLEV</ChrgBr>

            """
        for transfer in transfers {
            xml += """
                      <CdtTrfTxInf>
                        <PmtId><EndToEndId>\(text(transfer.endToEndID, maximum: 35))</EndToEndId></PmtId>
                        <Amt><InstdAmt Ccy="EUR">\(amount(transfer.amount))</InstdAmt></Amt>
                        <CdtrAgt><FinInstnId><BIC>\(transfer.creditor.bic)</BIC></FinInstnId></CdtrAgt>
                        <Cdtr><Nm>\(text(transfer.creditor.name, maximum: 70))</Nm></Cdtr>
                        <CdtrAcct><Id><IBAN>\(transfer.creditor.iban)</IBAN></Id></CdtrAcct>
                        <RmtInf><Ustrd>\(text(transfer.remittance, maximum: 140))</Ustrd></RmtInf>
                      </CdtTrfTxInf>

                """
        }
        return xml + """
                </PmtInf>
              </CstmrCdtTrfInitn>
            </Document>

            """
    }
}
