import Foundation
import MetricsTestKit
import Testing
@testable import VaneOps

/// The incident engine in the server: the on-call measures on /metrics.
@Suite struct IncidentServiceTests {
    @Test func openedIsCountedOnceEvenWhenAnIncidentReopens() throws {
        let clock = MovingClock()
        let alerting = Alerting(clock: clock)
        let metrics = TestMetrics()
        let service = IncidentService(alerting: alerting, graph: .empty, settings: .init(), clock: clock, metricsFactory: metrics)
        func fire(from startMinutesAgo: Double, to end: Int64) {
            alerting.post([PostedAlert(labels: [Label("alertname", "Down"), Label("service", "db")],
                                       startsAt: WireTime(millis: clock.nowMillis() - Int64(startMinutesAgo * 60_000)), endsAt: WireTime(millis: end))])
        }
        fire(from: 6, to: clock.nowMillis() + 600_000)
        service.step()
        #expect(try metrics.expectCounter("vane_incidents_opened_total").totalValue == 1)
        #expect(try metrics.expectGauge("vane_incidents_open").lastValue == 1)
        // It resolves, then the same alert fires again within the cooldown: the incident reopens.
        fire(from: 6, to: clock.nowMillis())
        clock.advance(seconds: 1)
        service.step()
        #expect(service.incidents().first?.state == .resolved)
        #expect(try metrics.expectGauge("vane_incidents_open").lastValue == 0)
        clock.advance(seconds: 60)
        fire(from: 0, to: clock.nowMillis() + 600_000)
        clock.advance(seconds: 1)
        service.step()
        #expect(service.incidents().count == 1)
        #expect(service.incidents().first?.state == .open)
        #expect(try metrics.expectCounter("vane_incidents_opened_total").totalValue == 1)
        #expect(try metrics.expectCounter("vane_alerts_received_total").totalValue == 3)
        #expect(service.summary.open == 1)
    }
}
