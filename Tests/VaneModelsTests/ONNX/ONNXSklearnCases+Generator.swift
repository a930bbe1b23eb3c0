// How ONNXSklearnCases.swift was generated (kept for regeneration; no code here).
//
// Environment: Python 3.11, numpy, scikit-learn==1.9.1, skl2onnx==1.20.0, onnx==1.17.0, onnxruntime==1.32.0 (pip).
// Run `python3 gen_sklearn.py` (writes /tmp/probe/sklearn_cases.json), then `python3 emit_sklearn.py`.
// HistGradientBoosting* models are skipped: this skl2onnx version fails to convert them.

/*
# ===== gen_sklearn.py =====
import numpy as np, onnx, onnxruntime as ort, base64, json, warnings
warnings.filterwarnings('ignore')
from skl2onnx import to_onnx
from sklearn.linear_model import LogisticRegression, LinearRegression, Ridge, SGDClassifier, RidgeClassifier, Lasso
from sklearn.svm import LinearSVC, LinearSVR
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor, ExtraTreesClassifier, ExtraTreesRegressor, GradientBoostingClassifier, GradientBoostingRegressor, HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler, MinMaxScaler, Normalizer, Binarizer, MaxAbsScaler, RobustScaler
from sklearn.impute import SimpleImputer
rng = np.random.default_rng(7)
def fmt32(v):
    t = str(np.float32(v)); return t[:-2] if t.endswith('.0') else t
N, F = 20, 5
X = rng.normal(size=(200, F)).astype(np.float32)
y2 = (X[:, 0] + X[:, 1] * X[:, 2] > 0).astype(int)
y3 = np.digitize(X[:, 0] + 0.5 * X[:, 3], [-0.5, 0.5])
ys = np.array(['cat', 'dog', 'emu'])[y3]
yr = (3 * X[:, 0] - 2 * X[:, 1] + X[:, 2] ** 2).astype(np.float64)
yr2 = np.stack([yr, X[:, 3] - X[:, 4]], axis=1)
Xnan = X.copy(); Xnan[rng.random(X.shape) < 0.1] = np.nan
Xtest = X[:N].copy(); Xtest[3] = 0; Xtest[5, 2] = X[7, 2]
cases = []; unsupported = {}
def add(name, est, Xfit, y, options=None, Xt=None, zipmap=True):
    est.fit(Xfit, y)
    Xt = Xtest if Xt is None else Xt
    opts = None
    if not zipmap: opts = {id(est): {'zipmap': False}}
    try:
        m = to_onnx(est, Xfit[:1].astype(np.float32), options=opts, target_opset=None)
    except Exception as e:
        print('convert failed', name, str(e)[:100]); return
    ops = sorted({(n.domain, n.op_type) for n in m.graph.node})
    data = m.SerializeToString()
    s = ort.InferenceSession(data, providers=['CPUExecutionProvider'])
    res = s.run(None, {m.graph.input[0].name: Xt})
    outs = []
    for o, r in zip(m.graph.output, res):
        if isinstance(r, list):
            labels = list(r[0].keys())
            outs.append({"name": o.name, "kind": "map", "labels": [str(k) for k in labels],
                         "values": " ".join(fmt32(d[k]) for d in r for k in labels)})
            continue
        r = np.asarray(r)
        if r.dtype.kind in 'OUS':
            outs.append({"name": o.name, "kind": "string", "shape": list(r.shape), "strings": [str(v) for v in r.reshape(-1)]})
        else:
            kind = {np.dtype('float32'): 'float', np.dtype('float64'): 'double', np.dtype('int64'): 'int64'}[r.dtype]
            outs.append({"name": o.name, "kind": kind, "shape": list(r.shape),
                         "values": " ".join(fmt32(v) if kind == 'float' else (repr(float(v)) if kind == 'double' else str(int(v))) for v in r.reshape(-1))})
    cases.append({"name": "sklearn_" + name, "ops": ["%s:%s" % o for o in ops], "model": base64.b64encode(data).decode(), "rows": int(Xt.shape[0]),
                  "features": F, "input": " ".join(fmt32(v) for v in Xt.reshape(-1)), "outputs": outs})
add('logreg_binary', LogisticRegression(), X, y2)
add('logreg_multi_strings', LogisticRegression(), X, ys)
add('logreg_binary_strings_nozipmap', LogisticRegression(), X, np.array(['no', 'yes'])[y2], zipmap=False)
add('sgd_hinge_binary', SGDClassifier(random_state=0), X, y2)
add('sgd_log_multi', SGDClassifier(loss='log_loss', random_state=0), X, y3)
add('ridge_classifier', RidgeClassifier(), X, y3)
add('ridge_classifier_binary', RidgeClassifier(), X, y2)
add('linear_svc_binary', LinearSVC(), X, y2)
add('linear_svc_multi', LinearSVC(), X, y3)
add('rf_binary', RandomForestClassifier(n_estimators=4, max_depth=3, random_state=0), X, y2)
add('rf_multi_strings', RandomForestClassifier(n_estimators=4, max_depth=3, random_state=0), X, ys)
add('et_binary_nozipmap', ExtraTreesClassifier(n_estimators=3, max_depth=3, random_state=0), X, y2, zipmap=False)
add('dt_multi', DecisionTreeClassifier(max_depth=4, random_state=0), X, y3)
add('dt_binary', DecisionTreeClassifier(max_depth=3, random_state=0), X, y2)
add('gb_binary', GradientBoostingClassifier(n_estimators=5, max_depth=2, random_state=0), X, y2)
add('gb_binary_strings', GradientBoostingClassifier(n_estimators=5, max_depth=2, random_state=0), X, np.array(['a', 'b'])[y2])
add('gb_multi', GradientBoostingClassifier(n_estimators=4, max_depth=2, random_state=0), X, y3)
add('hgb_binary', HistGradientBoostingClassifier(max_iter=5, max_depth=3, random_state=0), X, y2)
add('hgb_multi', HistGradientBoostingClassifier(max_iter=4, max_depth=3, random_state=0), X, y3)
add('mlp_binary', MLPClassifier(hidden_layer_sizes=(6,), max_iter=300, random_state=0), X, y2)
add('mlp_multi_logistic', MLPClassifier(hidden_layer_sizes=(5,), activation='logistic', max_iter=300, random_state=0), X, ys)
add('mlp_identity', MLPClassifier(hidden_layer_sizes=(4,), activation='identity', max_iter=300, random_state=0), X, y3, zipmap=False)
add('pipeline_imputer_scaler_logreg', make_pipeline(SimpleImputer(), StandardScaler(), LogisticRegression()), Xnan, y2, Xt=Xnan[:N])
add('pipeline_minmax_rf', make_pipeline(MinMaxScaler(), RandomForestClassifier(n_estimators=3, max_depth=3, random_state=0)), X, y3)
add('pipeline_normalizer_logreg', make_pipeline(Normalizer(), LogisticRegression()), X, y3)
add('pipeline_maxabs_robust_ridge', make_pipeline(MaxAbsScaler(), RobustScaler(), Ridge()), X, yr)
add('pipeline_binarizer_logreg', make_pipeline(Binarizer(threshold=0.1), LogisticRegression()), X, y2)
add('pipeline_median_imputer_dt', make_pipeline(SimpleImputer(strategy='median'), DecisionTreeRegressor(max_depth=3, random_state=0)), Xnan, yr, Xt=Xnan[:N])
add('linear_regression', LinearRegression(), X, yr)
add('linear_regression_2targets', LinearRegression(), X, yr2)
add('lasso', Lasso(alpha=0.1), X, yr)
add('linear_svr', LinearSVR(random_state=0), X, yr)
add('rf_regressor', RandomForestRegressor(n_estimators=4, max_depth=3, random_state=0), X, yr)
add('rf_regressor_2targets', RandomForestRegressor(n_estimators=3, max_depth=3, random_state=0), X, yr2)
add('et_regressor', ExtraTreesRegressor(n_estimators=3, max_depth=3, random_state=0), X, yr)
add('dt_regressor', DecisionTreeRegressor(max_depth=4, random_state=0), X, yr)
add('gb_regressor', GradientBoostingRegressor(n_estimators=6, max_depth=2, random_state=0), X, yr)
add('hgb_regressor', HistGradientBoostingRegressor(max_iter=6, max_depth=3, random_state=0), X, yr)
add('mlp_regressor', MLPRegressor(hidden_layer_sizes=(6, 4), max_iter=300, random_state=0), X, yr)
json.dump(cases, open('/tmp/probe/sklearn_cases.json', 'w'))
for c in cases: print(c['name'], len(c['model']), ' '.join(c['ops']))

# ===== emit_sklearn.py =====
import json
cases = json.load(open('/tmp/probe/sklearn_cases.json'))
lines = []
lines.append("// Generated data, do not edit: scikit-learn 1.9.1 estimators (small, fixed seeds) converted with skl2onnx 1.20.0")
lines.append("// (onnx 1.17.0) and scored by onnxruntime 1.32.0 (CPUExecutionProvider). Same JSON layout as")
lines.append("// ``ONNXReferenceCases``; `ops` lists the operators each graph uses.")
lines.append("")
lines.append("/// Real skl2onnx graphs beyond the fixture set (see ``ONNXReferenceTests``).")
lines.append("enum ONNXSklearnCases {")
lines.append("    static let all: [String] = [")
for c in cases:
    s = json.dumps(c, separators=(',', ':'))
    assert '"#' not in s
    lines.append('        #"' + s + '"#,')
lines.append("    ]")
lines.append("}")
open('/work/main/Tests/VaneModelsTests/ONNX/ONNXSklearnCases.swift', 'w').write("\n".join(lines) + "\n")
print(len(cases))

*/
