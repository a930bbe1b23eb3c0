import Foundation

/// `exp` / `tanh` / `log` in the precision of the type (float32 math stays float32).
protocol ONNXTranscendental {
    static func onnxExp(_ x: Self) -> Self
    static func onnxTanh(_ x: Self) -> Self
    static func onnxLog(_ x: Self) -> Self
    static func onnxPow(_ x: Self, _ y: Self) -> Self
}

extension Float: ONNXTranscendental {
    static func onnxExp(_ x: Float) -> Float { Foundation.exp(x) }
    static func onnxTanh(_ x: Float) -> Float { Foundation.tanh(x) }
    static func onnxLog(_ x: Float) -> Float { Foundation.log(x) }
    static func onnxPow(_ x: Float, _ y: Float) -> Float { Foundation.pow(x, y) }
}

extension Double: ONNXTranscendental {
    static func onnxExp(_ x: Double) -> Double { Foundation.exp(x) }
    static func onnxTanh(_ x: Double) -> Double { Foundation.tanh(x) }
    static func onnxLog(_ x: Double) -> Double { Foundation.log(x) }
    static func onnxPow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
}

/// The score transforms of the ai.onnx.ml operators, in float32 as onnxruntime computes them.
enum ONNXPostTransform: Sendable {
    case none, logistic, softmax, softmaxZero, probit

    /// Parses the `post_transform` attribute.
    init(_ c: ONNXNodeContext) throws(ModelError) {
        switch try c.attributes.string("post_transform", default: "NONE") {
        case "NONE": self = .none
        case "LOGISTIC": self = .logistic
        case "SOFTMAX": self = .softmax
        case "SOFTMAX_ZERO": self = .softmaxZero
        case "PROBIT": self = .probit
        case let other: throw c.invalid("unknown post_transform '\(other.prefix(40))'")
        }
    }

    /// Transforms one row of scores in place (the `write_scores` rule for two or more scores).
    func apply(_ row: inout [Float]) {
        switch self {
        case .none: break
        case .logistic: for i in row.indices { row[i] = ONNXMath.logistic(row[i]) }
        case .probit: for i in row.indices { row[i] = ONNXMath.probit(row[i]) }
        case .softmax: ONNXMath.softmax(&row)
        case .softmaxZero: ONNXMath.softmaxZero(&row)
        }
    }

    /// Transforms `width`-wide rows of `values` in place.
    func apply(rows values: inout [Float], width: Int) {
        guard self != .none, width > 0 else { return }
        var row = [Float](repeating: 0, count: width)
        var start = 0
        while start + width <= values.count {
            for k in 0..<width { row[k] = values[start + k] }
            apply(&row)
            for k in 0..<width { values[start + k] = row[k] }
            start += width
        }
    }
}

/// onnxruntime's float32 helper functions (`ml_common.h`).
enum ONNXMath {
    /// `1 / (1 + exp(-|x|))`, mirrored for negative `x`.
    static func logistic<T: BinaryFloatingPoint & ONNXTranscendental>(_ x: T) -> T {
        let v = 1 / (1 + T.onnxExp(-Swift.abs(x)))
        return x < 0 ? 1 - v : v
    }

    /// The approximate inverse error function onnxruntime uses for PROBIT.
    static func erfInv(_ value: Float) -> Float {
        let sign: Float = value < 0 ? -1 : 1
        let x = (1 - value) * (1 + value)
        let lnx = Foundation.log(x)
        let v = 2 / (Float.pi * 0.147) + 0.5 * lnx
        let v2 = 1 / Float(0.147) * lnx
        let v3 = -v + (v * v - v2).squareRoot()
        return sign * v3.squareRoot()
    }

    /// `√2 · erfinv(2x − 1)`.
    static func probit(_ x: Float) -> Float {
        Float(2).squareRoot() * erfInv(2 * x - 1)
    }

    /// Softmax with max subtraction, dividing by the sum.
    static func softmax(_ row: inout [Float]) {
        var maximum = -Float.greatestFiniteMagnitude
        for v in row where v > maximum { maximum = v }
        var sum: Float = 0
        for i in row.indices {
            row[i] = Foundation.exp(row[i] - maximum)
            sum += row[i]
        }
        for i in row.indices { row[i] /= sum }
    }

    /// Softmax that leaves (near-)zero scores at zero.
    static func softmaxZero(_ row: inout [Float]) {
        var maximum = -Float.greatestFiniteMagnitude
        for v in row where v > maximum { maximum = v }
        let expNegMax = Foundation.exp(-maximum)
        var sum: Float = 0
        for i in row.indices {
            if row[i] > 0.0000001 || row[i] < -0.0000001 {
                row[i] = Foundation.exp(row[i] - maximum)
                sum += row[i]
            } else {
                row[i] *= expNegMax
            }
        }
        for i in row.indices { row[i] /= sum }
    }
}
