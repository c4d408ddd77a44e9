@testable import LFMaintSupport
import Testing

/// Two kinds that share nothing but the protocol: what configs and plans hold of them is their name.
private protocol Shape: Sendable { static var name: String { get } }
private enum Square: Shape { static let name = "square" }
private enum Circle: Shape { static let name = "circle" }
private enum Shapes: Registry {
    static let all: [any Shape.Type] = [Square.self, Circle.self]
    static func name(of kind: any Shape.Type) -> String { kind.name }
}

@Suite("A registry's kinds, held by name")
struct RegisteredTests {
    @Test func aNameFindsItsKindAndNothingElse() {
        #expect(Registered<Shapes>(rawValue: "circle")?.kind == Circle.self)
        #expect(Registered<Shapes>(rawValue: "Circle") == nil, "names are exact")
        #expect(Registered<Shapes>(rawValue: "") == nil)
        #expect(Registered<Shapes>(Circle.self).description == "circle")
    }

    @Test func kindsAreListedInTheRegistrysOrderAndCompareByName() {
        #expect(Registered<Shapes>.allCases.map(\.rawValue) == ["square", "circle"])
        #expect(Registered<Shapes>(Square.self) == Registered<Shapes>(rawValue: "square"))
        #expect(Registered<Shapes>(Square.self) != Registered<Shapes>(Circle.self))
        #expect(Set(Registered<Shapes>.allCases + Registered<Shapes>.allCases).count == 2)
    }
}
