// How ONNXReferenceCases.swift was generated (kept for regeneration; no code here).
//
// Environment: Python 3.11, numpy, onnx==1.17.0, onnxruntime==1.32.0 (pip).
// Run `python3 gen_reference.py` (writes /tmp/probe/reference_cases.json), then `python3 emit_swift.py`.
// The seed is fixed, so the output is reproducible with the same library versions.

/*
# ===== gen_reference.py =====
import numpy as np, onnx, onnxruntime as ort, base64, json, random
from onnx import helper, TensorProto as TP, numpy_helper
rng = np.random.default_rng(20261123)
random.seed(20261123)
cases = []

def f32(x): return float(np.float32(x))
def fmt32(v):
    t = str(np.float32(v))
    return t[:-2] if t.endswith('.0') else t

def run_case(name, nodes, F, outputs, inits=[], opset=13, ml=1, X=None, N=12, expect_error=False):
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info('X', TP.FLOAT, [None, F])], outputs, inits)
    ops = [helper.make_opsetid('', opset), helper.make_opsetid('ai.onnx.ml', ml)]
    m = helper.make_model(g, opset_imports=ops)
    m.ir_version = 8
    data = m.SerializeToString()
    if X is None:
        X = rng.normal(size=(N, F)).astype(np.float32)
    case = {"name": name, "model": base64.b64encode(data).decode(), "rows": int(X.shape[0]), "features": F,
            "input": " ".join(fmt32(v) for v in X.reshape(-1))}
    try:
        s = ort.InferenceSession(data, providers=['CPUExecutionProvider'])
        res = s.run(None, {'X': X})
    except Exception as e:
        if not expect_error:
            print("ORT failed", name, str(e)[-300:]); return
        case["error"] = True
        cases.append(case); return
    outs = []
    for o, r in zip(outputs, res):
        if isinstance(r, list):  # ZipMap
            labels = list(r[0].keys()) if r else []
            vals = [f32(d[k]) for d in r for k in labels]
            outs.append({"name": o.name, "kind": "map", "labels": [str(k) for k in labels],
                         "values": " ".join(fmt32(v) for v in vals)})
            continue
        r = np.asarray(r)
        if r.dtype.kind in 'OUS':
            outs.append({"name": o.name, "kind": "string", "shape": list(r.shape), "strings": [str(v) for v in r.reshape(-1)]})
        else:
            kind = {np.dtype('float32'): 'float', np.dtype('float64'): 'double', np.dtype('int64'): 'int64', np.dtype('int32'): 'int32', np.dtype('bool'): 'bool'}[r.dtype]
            outs.append({"name": o.name, "kind": kind, "shape": list(r.shape),
                         "values": " ".join(fmt32(v) if r.dtype == np.float32 else (repr(float(v)) if r.dtype == np.float64 else str(int(v))) for v in r.reshape(-1))})
    case["outputs"] = outs
    cases.append(case)

def vi(name, t=TP.FLOAT): return helper.make_tensor_value_info(name, t, None)

# ---------------- tree ensembles ----------------
MODES = ['BRANCH_LEQ', 'BRANCH_LT', 'BRANCH_GTE', 'BRANCH_GT', 'BRANCH_EQ', 'BRANCH_NEQ']
def random_tree(tid, F, depth, mixed_modes, thresholds):
    # returns list of node dicts with ids assigned, root first, others shuffled
    nodes = []
    def build(d):
        idx = len(nodes); nodes.append(None)
        if d == 0 or (d < depth and rng.random() < 0.25):
            nodes[idx] = dict(mode='LEAF', f=0, v=0.0, t=0, fl=0, miss=0); return idx
        f = int(rng.integers(0, F)); v = f32(rng.normal()); thresholds.append((f, v))
        mode = MODES[int(rng.integers(0, 6))] if mixed_modes else 'BRANCH_LEQ'
        nodes[idx] = dict(mode=mode, f=f, v=v, miss=int(rng.integers(0, 2)))
        nodes[idx]['t'] = build(d - 1); nodes[idx]['fl'] = build(d - 1)
        return idx
    build(depth)
    ids = list(range(len(nodes)))
    perm = [0] + list(rng.permutation(range(1, len(nodes)))) if len(nodes) > 1 else [0]
    ids_perm = list(rng.permutation(len(nodes)))
    newid = {old: int(ids_perm[i]) for i, old in enumerate(perm)}  # permuted ids
    order = perm
    return [(tid, newid[i], nodes[i], newid) for i in order]

def ensemble_attrs(trees_count, F, depth, mixed, thresholds):
    attrs = dict(nodes_treeids=[], nodes_nodeids=[], nodes_featureids=[], nodes_modes=[], nodes_values=[],
                 nodes_truenodeids=[], nodes_falsenodeids=[], nodes_missing_value_tracks_true=[])
    leaves = []
    for t in range(trees_count):
        for (tid, nid, n, newid) in random_tree(t, F, depth, mixed, thresholds):
            attrs['nodes_treeids'].append(tid); attrs['nodes_nodeids'].append(nid)
            attrs['nodes_featureids'].append(n['f']); attrs['nodes_modes'].append(n['mode'])
            attrs['nodes_values'].append(n['v']); attrs['nodes_missing_value_tracks_true'].append(n['miss'])

            attrs['nodes_truenodeids'].append(newid[n['t']] if n['mode'] != 'LEAF' else 0)
            attrs['nodes_falsenodeids'].append(newid[n['fl']] if n['mode'] != 'LEAF' else 0)
            if n['mode'] == 'LEAF': leaves.append((tid, nid))
    return attrs, leaves

def make_X(F, thresholds, N=16):
    X = rng.normal(size=(N, F)).astype(np.float32)
    for i in range(N):
        for j in range(F):
            u = rng.random()
            if u < 0.1: X[i, j] = np.nan
            elif u < 0.35 and thresholds:
                f, v = thresholds[int(rng.integers(0, len(thresholds)))]
                X[i, j] = v
    return X

POSTS = ['NONE', 'LOGISTIC', 'SOFTMAX', 'SOFTMAX_ZERO', 'PROBIT']
for k in range(70):
    F = int(rng.integers(2, 5)); th = []
    attrs, leaves = ensemble_attrs(int(rng.integers(1, 5)), F, int(rng.integers(1, 4)), k % 2 == 0, th)
    kind = ['binary1', 'binary2', 'multi', 'binary1', 'multi'][k % 5]
    n = 2 if kind.startswith('binary') else int(rng.integers(3, 5))
    ids, nids, tids, ws = [], [], [], []
    mixed_sign = rng.random() < 0.5
    col = int(rng.integers(0, 2))
    for (t, nid) in leaves:
        if rng.random() < 0.08 and kind != 'multi': continue  # leaf without weight
        classes = [col] if kind == 'binary1' else ([0, 1] if kind == 'binary2' else [c for c in range(n) if rng.random() < 0.7] or [0])
        for c in classes:
            w = f32(rng.normal() if mixed_sign else rng.random())
            tids.append(t); nids.append(nid); ids.append(c); ws.append(w)
    if not ids:
        tids, nids, ids, ws = [leaves[0][0]], [leaves[0][1]], [col], [0.75]
    attrs.update(class_treeids=tids, class_nodeids=nids, class_ids=ids, class_weights=ws)
    post = POSTS[int(rng.integers(0, 5 if kind == 'multi' else 4))]
    attrs['post_transform'] = post
    nb = [0, 1, 2, n][int(rng.integers(0, 4))] if kind != 'multi' else [0, n][int(rng.integers(0, 2))]
    if nb: attrs['base_values'] = [f32(rng.normal()) for _ in range(nb)]
    use_str = rng.random() < 0.3
    if use_str: attrs['classlabels_strings'] = [f"c{i}" for i in range(n)]
    else: attrs['classlabels_int64s'] = [int(x) for x in rng.choice(20, n, replace=False)]
    node = helper.make_node('TreeEnsembleClassifier', ['X'], ['label', 'scores'], domain='ai.onnx.ml', **attrs)
    outs = [vi('label', TP.STRING if use_str else TP.INT64), vi('scores')]
    nodes = [node]
    if rng.random() < 0.4:
        zm = {'classlabels_strings': attrs['classlabels_strings']} if use_str else {'classlabels_int64s': attrs['classlabels_int64s']}
        nodes.append(helper.make_node('ZipMap', ['scores'], ['zip'], domain='ai.onnx.ml', **zm))
        outs.append(helper.make_value_info('zip', helper.make_sequence_type_proto(helper.make_map_type_proto(TP.STRING if use_str else TP.INT64, helper.make_tensor_type_proto(TP.FLOAT, None)))))
    run_case(f"tree_classifier_{k}_{kind}_{post}_base{nb}", nodes, F, outs, X=make_X(F, th))

for k in range(50):
    F = int(rng.integers(2, 5)); th = []
    attrs, leaves = ensemble_attrs(int(rng.integers(1, 6)), F, int(rng.integers(1, 4)), k % 2 == 1, th)
    nt = [1, 1, 2, 3][k % 4]
    ids, nids, tids, ws = [], [], [], []
    for (t, nid) in leaves:
        for c in range(nt):
            if rng.random() < 0.15: continue
            tids.append(t); nids.append(nid); ids.append(c); ws.append(f32(rng.normal()))
    if not ids:
        tids, nids, ids, ws = [leaves[0][0]], [leaves[0][1]], [0], [0.5]
    attrs.update(target_treeids=tids, target_nodeids=nids, target_ids=ids, target_weights=ws, n_targets=nt)
    attrs['aggregate_function'] = ['SUM', 'AVERAGE', 'MIN', 'MAX'][int(rng.integers(0, 4))]
    attrs['post_transform'] = POSTS[int(rng.integers(0, 5))]
    if rng.random() < 0.5: attrs['base_values'] = [f32(rng.normal()) for _ in range(nt)]
    node = helper.make_node('TreeEnsembleRegressor', ['X'], ['Y'], domain='ai.onnx.ml', **attrs)
    run_case(f"tree_regressor_{k}_t{nt}_{attrs['aggregate_function']}_{attrs['post_transform']}", [node], F, [vi('Y')], X=make_X(F, th))

# double-precision attributes (ml opset 3)
for k in range(4):
    F = 3; th = []
    attrs, leaves = ensemble_attrs(3, F, 3, False, th)
    vals = attrs.pop('nodes_values')
    dv = [v + 1e-9 * (i % 3) for i, v in enumerate(vals)]
    attrs['nodes_values_as_tensor'] = numpy_helper.from_array(np.array(dv, dtype=np.float64), 'nv')
    tids = [t for t, _ in leaves]; nids = [n for _, n in leaves]
    w = np.array([rng.normal() * 1000 for _ in leaves], dtype=np.float64)
    attrs.update(target_treeids=tids, target_nodeids=nids, target_ids=[0] * len(leaves),
                 target_weights_as_tensor=numpy_helper.from_array(w, 'tw'), n_targets=1)
    attrs['base_values_as_tensor'] = numpy_helper.from_array(np.array([0.123456789], dtype=np.float64), 'bv')
    node = helper.make_node('TreeEnsembleRegressor', ['Xd'], ['Y'], domain='ai.onnx.ml', **attrs)
    run_case(f"tree_regressor_double_{k}", [helper.make_node('Cast', ['X'], ['Xd'], to=TP.DOUBLE), node], F, [vi('Y')], X=make_X(F, th), ml=3)

# ---------------- linear models ----------------
for k in range(16):
    F = int(rng.integers(1, 5)); C = [1, 1, 2, 3, 4][k % 5]
    post = ['NONE', 'LOGISTIC', 'SOFTMAX', 'SOFTMAX_ZERO', 'PROBIT'][int(rng.integers(0, 4 if C == 1 else 5))]
    use_str = k % 3 == 0
    labels = {'classlabels_strings': [f"l{i}" for i in range(2 if C == 1 else C)]} if use_str else {'classlabels_ints': [int(x) for x in rng.choice(30, 2 if C == 1 else C, replace=False)]}
    node = helper.make_node('LinearClassifier', ['X'], ['label', 'scores'], domain='ai.onnx.ml',
                            coefficients=[f32(x) for x in rng.normal(size=C * F)], intercepts=[f32(x) for x in rng.normal(size=C)],
                            post_transform=post, multi_class=int(k % 2), **labels)
    run_case(f"linear_classifier_{k}_c{C}_{post}", [node], F, [vi('label', TP.STRING if use_str else TP.INT64), vi('scores')])
for k in range(8):
    F = int(rng.integers(1, 5)); T = [1, 1, 2, 3][k % 4]
    post = ['NONE', 'LOGISTIC', 'SOFTMAX', 'SOFTMAX_ZERO', 'PROBIT'][k % 5]
    kw = dict(coefficients=[f32(x) for x in rng.normal(size=T * F)], targets=T, post_transform=post)
    if k % 3: kw['intercepts'] = [f32(x) for x in rng.normal(size=T)]
    run_case(f"linear_regressor_{k}_t{T}_{post}", [helper.make_node('LinearRegressor', ['X'], ['Y'], domain='ai.onnx.ml', **kw)], F, [vi('Y')])

# ---------------- other ML ops ----------------
Xn = rng.normal(size=(10, 4)).astype(np.float32); Xn[2, 1] = np.nan; Xn[5] = 0; Xn[7, 3] = 0
run_case("scaler_per_feature", [helper.make_node('Scaler', ['X'], ['Y'], domain='ai.onnx.ml', offset=[0.5, -1, 2, 0], scale=[2, 0.5, -1, 3])], 4, [vi('Y')], X=Xn)
run_case("scaler_shared", [helper.make_node('Scaler', ['X'], ['Y'], domain='ai.onnx.ml', offset=[0.25], scale=[1.5])], 4, [vi('Y')], X=Xn)
for norm in ['MAX', 'L1', 'L2']:
    run_case(f"normalizer_{norm}", [helper.make_node('Normalizer', ['X'], ['Y'], domain='ai.onnx.ml', norm=norm)], 4, [vi('Y')], X=Xn)
run_case("imputer_nan", [helper.make_node('Imputer', ['X'], ['Y'], domain='ai.onnx.ml', imputed_value_floats=[1.0, 2.0, 3.0, 4.0], replaced_value_float=float('nan'))], 4, [vi('Y')], X=Xn)
run_case("imputer_zero_shared", [helper.make_node('Imputer', ['X'], ['Y'], domain='ai.onnx.ml', imputed_value_floats=[9.0], replaced_value_float=0.0)], 4, [vi('Y')], X=Xn)
Xb = rng.normal(size=(10, 4)).astype(np.float32)
run_case("binarizer", [helper.make_node('Binarizer', ['X'], ['Y'], domain='ai.onnx.ml', threshold=0.2)], 4, [vi('Y')], X=Xb)
run_case("binarizer_nan_fails", [helper.make_node('Binarizer', ['X'], ['Y'], domain='ai.onnx.ml')], 4, [vi('Y')], X=Xn, expect_error=True)
idx = numpy_helper.from_array(np.array([3, 0, 3], dtype=np.int64), 'idx')
run_case("array_feature_extractor", [helper.make_node('ArrayFeatureExtractor', ['X', 'idx'], ['Y'], domain='ai.onnx.ml')], 4, [vi('Y')], inits=[idx])
# LabelEncoder: float -> via Cast to int64 -> string and back
Xi = rng.integers(0, 5, size=(10, 3)).astype(np.float32)
run_case("label_encoder_int_to_string_to_float", [
    helper.make_node('Cast', ['X'], ['xi'], to=TP.INT64),
    helper.make_node('LabelEncoder', ['xi'], ['s'], domain='ai.onnx.ml', keys_int64s=[0, 1, 2, 3], values_strings=['a', 'b', 'c', 'd'], default_string='zz'),
    helper.make_node('LabelEncoder', ['s'], ['y'], domain='ai.onnx.ml', keys_strings=['a', 'b', 'zz'], values_floats=[0.5, 1.5, -1.0], default_float=7.0),
    helper.make_node('LabelEncoder', ['xi'], ['z'], domain='ai.onnx.ml', keys_int64s=[4, 2], values_int64s=[40, 20])],
    3, [vi('s', TP.STRING), vi('y'), vi('z', TP.INT64)], X=Xi, ml=2)
run_case("zipmap_strings", [helper.make_node('Softmax', ['X'], ['p'], axis=1),
                            helper.make_node('ZipMap', ['p'], ['m'], domain='ai.onnx.ml', classlabels_strings=['x', 'y', 'z'])],
         3, [helper.make_value_info('m', helper.make_sequence_type_proto(helper.make_map_type_proto(TP.STRING, helper.make_tensor_type_proto(TP.FLOAT, None))))])

# ---------------- default domain ----------------
def T(name, arr): return numpy_helper.from_array(np.asarray(arr), name)
W = rng.normal(size=(4, 3)).astype(np.float32)
for (ta, tb, alpha, beta, cshape) in [(0, 0, 1.0, 1.0, (3,)), (0, 1, 0.5, 2.0, (1, 3)), (1, 0, 1.0, 1.0, None), (1, 1, -1.5, 0.0, (1,)), (0, 0, 1.0, -1.0, ())]:
    inits = [T('B', W.T.copy() if tb else W)]
    ins = ['Xg', 'B']
    nodes = []
    if ta: nodes.append(helper.make_node('Transpose', ['X'], ['Xt'], perm=[1, 0]))
    if cshape is not None:
        inits.append(T('C', rng.normal(size=cshape).astype(np.float32))); ins.append('C')
    # transA on X would need transpose (unsupported); use Identity chain instead for transA=0 only
    if ta: continue
    nodes.append(helper.make_node('Identity', ['X'], ['Xg']))
    nodes.append(helper.make_node('Gemm', ins, ['Y'], transA=ta, transB=tb, alpha=alpha, beta=beta))
    run_case(f"gemm_tb{tb}_a{alpha}_b{beta}_c{cshape}", nodes, 4, [vi('Y')], inits=inits, opset=13)
# Gemm with transA: A is an initializer, B derived from X? output must have N rows -> use X as B^T with transB
run_case("gemm_transA_init", [helper.make_node('Gemm', ['X', 'A'], ['Y'], transB=1)], 4, [vi('Y')], inits=[T('A', rng.normal(size=(5, 4)).astype(np.float32))])
run_case("matmul_batched", [helper.make_node('Reshape', ['X', 'shp'], ['x3']), helper.make_node('MatMul', ['x3', 'M'], ['Y'])], 6, [vi('Y')],
         inits=[T('shp', np.array([-1, 2, 3], dtype=np.int64)), T('M', rng.normal(size=(1, 3, 4)).astype(np.float32))])
run_case("matmul_vector", [helper.make_node('MatMul', ['X', 'v'], ['Y'])], 3, [vi('Y')], inits=[T('v', rng.normal(size=(3,)).astype(np.float32))])
for op in ['Add', 'Sub', 'Mul', 'Div']:
    run_case(f"{op.lower()}_broadcast", [helper.make_node('Reshape', ['X', 'shp'], ['x3']), helper.make_node(op, ['x3', 'b'], ['Y']),
                                         helper.make_node(op, ['X', 'c'], ['Z'])], 6, [vi('Y'), vi('Z')],
             inits=[T('shp', np.array([0, 2, 1, 3], dtype=np.int64)), T('b', rng.normal(size=(2, 4, 1)).astype(np.float32)), T('c', np.array(1.5, dtype=np.float32))])
run_case("int64_arithmetic", [helper.make_node('Cast', ['X'], ['xi'], to=TP.INT64), helper.make_node('Mul', ['xi', 'k'], ['m']),
                              helper.make_node('Sub', ['m', 'k'], ['s']), helper.make_node('Div', ['s', 'k'], ['Y'])], 3, [vi('Y', TP.INT64)],
         inits=[T('k', np.array([3, -2, 5], dtype=np.int64))], X=(rng.normal(size=(10, 3)) * 20).astype(np.float32))
for op, kw in [('Relu', {}), ('Sigmoid', {}), ('Tanh', {}), ('LeakyRelu', {'alpha': 0.2}), ('Abs', {}), ('Neg', {}), ('Exp', {}), ('Sqrt', {}), ('Log', {})]:
    Xu = (rng.normal(size=(10, 3)) * 3).astype(np.float32)
    if op in ('Sqrt', 'Log'): Xu = np.abs(Xu) + 0.01
    run_case(f"unary_{op}", [helper.make_node(op, ['X'], ['Y'], **kw)], 3, [vi('Y')], X=Xu)
for opset, axis in [(11, None), (11, 1), (13, None), (13, 1), (13, -2), (11, 2), (13, 2)]:
    kw = {} if axis is None else {'axis': axis}
    run_case(f"softmax_opset{opset}_axis{axis}", [helper.make_node('Reshape', ['X', 'shp'], ['x3']), helper.make_node('Softmax', ['x3'], ['Y'], **kw)], 6, [vi('Y')],
             inits=[T('shp', np.array([-1, 2, 3], dtype=np.int64))], opset=opset, X=(rng.normal(size=(8, 6)) * 4).astype(np.float32))
Xt = rng.integers(0, 3, size=(10, 4)).astype(np.float32)
for keep in [0, 1]:
    for last in [0, 1]:
        for axis in [1, -1, 0]:
            if axis == 0 and keep == 0: continue
            run_case(f"argmax_k{keep}_l{last}_a{axis}", [helper.make_node('ArgMax', ['X'], ['Y'], axis=axis, keepdims=keep, select_last_index=last),
                                                         helper.make_node('ArgMin', ['X'], ['Z'], axis=axis, keepdims=keep, select_last_index=last)],
                     4, [vi('Y', TP.INT64), vi('Z', TP.INT64)], X=Xt) if axis != 0 else None
run_case("flatten_concat", [helper.make_node('Reshape', ['X', 'shp'], ['x3']), helper.make_node('Flatten', ['x3'], ['f'], axis=1),
                            helper.make_node('Concat', ['f', 'X', 'f'], ['Y'], axis=1), helper.make_node('Concat', ['x3', 'x3'], ['Z'], axis=-1)],
         4, [vi('Y'), vi('Z')], inits=[T('shp', np.array([0, 2, -1], dtype=np.int64))])
run_case("squeeze_unsqueeze_13", [helper.make_node('Unsqueeze', ['X', 'ax'], ['u']), helper.make_node('Squeeze', ['u', 'ax2'], ['Y']),
                                  helper.make_node('Unsqueeze', ['X', 'ax3'], ['Z'])], 3, [vi('Y'), vi('Z')],
         inits=[T('ax', np.array([1, -1], dtype=np.int64)), T('ax2', np.array([3], dtype=np.int64)), T('ax3', np.array([2], dtype=np.int64))])
run_case("squeeze_unsqueeze_11", [helper.make_node('Unsqueeze', ['X'], ['u'], axes=[1, 3]), helper.make_node('Squeeze', ['u'], ['Y'], axes=[1]),
                                  helper.make_node('Squeeze', ['u'], ['Z'])], 3, [vi('Y'), vi('Z')], opset=11)
run_case("shape_gather", [helper.make_node('Shape', ['X'], ['s']), helper.make_node('Gather', ['X', 'gi'], ['Y'], axis=1),
                          helper.make_node('Gather', ['X', 'gj'], ['Z'], axis=0)], 4, [vi('Y'), vi('Z')],
         inits=[T('gi', np.array([[3, -1], [0, 1]], dtype=np.int64)), T('gj', np.array([0, -1, 2, 1, 3, 4, 5, 6, 7, 8, 9, 0], dtype=np.int64))])
Xc = np.array([[1.7, -1.7, 2.5e9, np.nan], [0.49, -0.5, -3e10, 1e3], [np.inf, -np.inf, 0, -0.0]], dtype=np.float32)
run_case("cast_variants", [helper.make_node('Cast', ['X'], ['a'], to=TP.INT64), helper.make_node('Cast', ['X'], ['b'], to=TP.INT32),
                           helper.make_node('Cast', ['X'], ['c'], to=TP.DOUBLE), helper.make_node('Cast', ['c'], ['d'], to=TP.FLOAT),
                           helper.make_node('Cast', ['a'], ['e'], to=TP.FLOAT)],
         4, [vi('a', TP.INT64), vi('b', TP.INT32), vi('c', TP.DOUBLE), vi('d'), vi('e')], X=Xc)
run_case("reshape_constant", [helper.make_node('Constant', [], ['k'], value=T('kv', np.array([2.0, -1.0], dtype=np.float32))),
                              helper.make_node('Reshape', ['X', 'shp'], ['r']), helper.make_node('Mul', ['r', 'k'], ['Y'])], 4, [vi('Y')],
         inits=[T('shp', np.array([-1, 2, 2], dtype=np.int64))])

# ---------------- more default-domain operators ----------------
Xr = (rng.normal(size=(9, 6)) * 2).astype(np.float32)
shp3 = T('shp', np.array([-1, 2, 3], dtype=np.int64))
for op in ['ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceSumSquare', 'ReduceL1', 'ReduceL2', 'ReduceLogSumExp']:
    for keep in [0, 1]:
        for axes in [[1], [-1], [1, 2]]:
            if op == 'ReduceSum':
                nodes = [helper.make_node('Reshape', ['X', 'shp'], ['x3']), helper.make_node(op, ['x3', 'ax'], ['Y'], keepdims=keep)]
                inits = [shp3, T('ax', np.array(axes, dtype=np.int64))]
            else:
                nodes = [helper.make_node('Reshape', ['X', 'shp'], ['x3']), helper.make_node(op, ['x3'], ['Y'], keepdims=keep, axes=axes)]
                inits = [shp3]
            run_case(f"{op}_k{keep}_axes{'_'.join(map(str, axes))}", nodes, 6, [vi('Y')], inits=inits, X=Xr)
run_case("transpose_gemm_transA", [helper.make_node('Reshape', ['X', 'shp'], ['x3']), helper.make_node('Transpose', ['x3'], ['t'], perm=[0, 2, 1]),
                                   helper.make_node('Transpose', ['X'], ['xt']), helper.make_node('Gemm', ['xt', 'B'], ['g'], transA=1),
                                   helper.make_node('Identity', ['t'], ['Y'])], 6, [vi('Y'), vi('g')],
         inits=[shp3, T('B', rng.normal(size=(6, 2)).astype(np.float32))], X=Xr)
run_case("clip_pow_floor_ceil", [helper.make_node('Clip', ['X', 'lo', 'hi'], ['c']), helper.make_node('Pow', ['X', 'two'], ['p']),
                                 helper.make_node('Pow', ['c', 'half'], ['q']), helper.make_node('Floor', ['X'], ['f']), helper.make_node('Ceil', ['X'], ['e']),
                                 helper.make_node('Reciprocal', ['X'], ['r'])], 6, [vi('c'), vi('p'), vi('q'), vi('f'), vi('e'), vi('r')],
         inits=[T('lo', np.array(-0.5, dtype=np.float32)), T('hi', np.array(1.5, dtype=np.float32)), T('two', np.array(2, dtype=np.int64)),
                T('half', np.array([0.5], dtype=np.float32))], X=np.abs(Xr) + 0.1)
run_case("clip_opset6", [helper.make_node('Clip', ['X'], ['Y'], min=-1.0, max=0.25)], 6, [vi('Y')], opset=6, X=Xr)
run_case("compare_logical", [helper.make_node('Greater', ['X', 'k'], ['g']), helper.make_node('Less', ['X', 'k'], ['l']),
                             helper.make_node('Equal', ['X', 'X'], ['eq']), helper.make_node('Or', ['g', 'l'], ['o']),
                             helper.make_node('And', ['g', 'eq'], ['a']), helper.make_node('Xor', ['o', 'eq'], ['x']),
                             helper.make_node('Not', ['x'], ['n']), helper.make_node('Cast', ['n'], ['Y'], to=TP.FLOAT),
                             helper.make_node('GreaterOrEqual', ['X', 'k'], ['ge']), helper.make_node('LessOrEqual', ['X', 'k'], ['le'])],
         6, [helper.make_tensor_value_info('a', TP.BOOL, None), vi('Y'), helper.make_tensor_value_info('ge', TP.BOOL, None), helper.make_tensor_value_info('le', TP.BOOL, None)],
         inits=[T('k', np.array([0.0, 0.5, -0.5, 1.0, 0.0, 2.0], dtype=np.float32))], X=np.round(Xr))

with open('/tmp/probe/reference_cases.json', 'w') as fh:
    json.dump(cases, fh)
print(len(cases), "cases", sum(len(c['model']) for c in cases), "model chars")

# ===== emit_swift.py =====
import json
cases = json.load(open('/tmp/probe/reference_cases.json'))
lines = []
lines.append("// Generated data, do not edit: small ONNX models built with onnx 1.17.0's `helper` (random trees,")
lines.append("// linear models and default-domain graphs, fixed seed) and their outputs computed by onnxruntime 1.32.0")
lines.append("// (CPUExecutionProvider, Python). One JSON document per case: `model` is the base64 ModelProto, `input`")
lines.append("// the float32 rows (space-separated, `nan` = missing), `outputs` onnxruntime's outputs by name, and")
lines.append("// `error: true` marks a model onnxruntime refuses (load or run).")
lines.append("")
lines.append("/// onnxruntime reference cases exercising the operators' edge cases (see ``ONNXReferenceTests``).")
lines.append("enum ONNXReferenceCases {")
lines.append("    static let all: [String] = [")
for c in cases:
    s = json.dumps(c, separators=(',', ':'))
    assert '"#' not in s
    lines.append('        #"' + s + '"#,')
lines.append("    ]")
lines.append("}")
open('/work/main/Tests/VaneModelsTests/ONNX/ONNXReferenceCases.swift', 'w').write("\n".join(lines) + "\n")
print(len(lines))

*/
