// Small models written by lightgbm 4.7.0 (2 iterations, 3 leaves, optional per-node statistics
// dropped; lightgbm re-loads the slimmed text with identical predictions) and its own outputs
// for LightGBMReferenceCase.rows.

extension LightGBMReferenceCase {
    static let objectives: [LightGBMReferenceCase] = [
        LightGBMReferenceCase(
            name: "fair", width: 1,
            predict: [0.20243781920180548, -0.02842892391187865, 0.20243781920180548, -2.275359824635708, 0.20243781920180548, 0.20243781920180548, 0.20243781920180548, -2.275359824635708],
            rawScore: [0.20243781920180548, -0.02842892391187865, 0.20243781920180548, -2.275359824635708, 0.20243781920180548, 0.20243781920180548, 0.20243781920180548, -2.275359824635708],
            text: """
tree
version=v4
num_class=1
num_tree_per_iteration=1
label_index=0
max_feature_idx=2
objective=fair
feature_names=Column_0 Column_1 Column_2
feature_infos=[-3.1199484617298703:3.6235676883680048] [-3.2744750252613533:2.4909064319567951] [-2.7881773967346191:2.490208765842763]

Tree=0
num_leaves=3
num_cat=0
split_feature=0 0
threshold=-0.92035423700405761 0.6953507138707139
decision_type=8 10
left_child=-1 -2
right_child=1 -3
leaf_value=-2.4687298496432262 0.0090677941942875536 1.9308777170006255
is_linear=0
shrinkage=1


Tree=1
num_leaves=3
num_cat=0
split_feature=1 0
threshold=-0.20970355150068171 -0.060105549510567499
decision_type=10 8
left_child=1 -1
right_child=-2 -3
leaf_value=-0.7820968775336099 0.19337002500751793 -0.037496718106166206
is_linear=0
shrinkage=0.3


end of trees
"""),
        LightGBMReferenceCase(
            name: "mape", width: 1,
            predict: [1.0823251676559449, 0.9886200026194891, 1.0823251676559449, 0.6703929117321968, 1.3857787442207337, 1.3857787442207337, 1.0823251676559449, 0.6703929117321968],
            rawScore: [1.0823251676559449, 0.9886200026194891, 1.0823251676559449, 0.6703929117321968, 1.3857787442207337, 1.3857787442207337, 1.0823251676559449, 0.6703929117321968],
            text: """
tree
version=v4
num_class=1
num_tree_per_iteration=1
label_index=0
max_feature_idx=2
objective=mape
feature_names=Column_0 Column_1 Column_2
feature_infos=[-3.1199484617298703:3.6235676883680048] [-3.2744750252613533:2.4909064319567951] [-2.7881773967346191:2.490208765842763]

Tree=0
num_leaves=3
num_cat=0
split_feature=0 0
threshold=-0.22164675801922371 0.44802396212758028
decision_type=8 10
left_child=-1 -2
right_child=1 -3
leaf_value=0.77928245365619664 0.96097072362899782 1.2644243001937867
is_linear=0
shrinkage=1


Tree=1
num_leaves=3
num_cat=0
split_feature=0 0
threshold=-0.37794250677584196 -0.22164675801922371
decision_type=8 10
left_child=-1 -2
right_child=1 -3
leaf_value=-0.1088895419239998 0.027649278990491254 0.12135444402694699
is_linear=0
shrinkage=0.3


end of trees
"""),
        LightGBMReferenceCase(
            name: "regressionSqrt", width: 1,
            predict: [1.3348784776980434, 1.3348784776980434, 1.3348784776980434, 0.9848777844120011, 1.7001290037292482, 1.7001290037292482, 0.9848777844120011, 0.9848777844120011],
            rawScore: [1.155369411789166, 1.155369411789166, 1.155369411789166, 0.992410088830218, 1.3038899507739325, 1.3038899507739325, 0.992410088830218, 0.992410088830218],
            text: """
tree
version=v4
num_class=1
num_tree_per_iteration=1
label_index=0
max_feature_idx=2
objective=regression sqrt
feature_names=Column_0 Column_1 Column_2
feature_infos=[-3.1199484617298703:3.6235676883680048] [-3.2744750252613533:2.4909064319567951] [-2.7881773967346191:2.490208765842763]

Tree=0
num_leaves=3
num_cat=0
split_feature=0 0
threshold=1.1007284489759963 -0.060105549510567499
decision_type=10 8
left_child=1 -1
right_child=-2 -3
leaf_value=1.0748089054833025 1.6014470070269373 1.2377682284422504
is_linear=0
shrinkage=1


Tree=1
num_leaves=3
num_cat=0
split_feature=0 0
threshold=1.617993820369289 0.31202388534084874
decision_type=10 10
left_child=1 -1
right_child=-2 -3
leaf_value=-0.082398816653084558 0.42872626119189788 0.066121722331682078
is_linear=0
shrinkage=0.3


end of trees
"""),
        LightGBMReferenceCase(
            name: "binarySigmoid2", width: 1,
            predict: [0.744202204378833, 0.744202204378833, 0.744202204378833, 0.32763249349406076, 0.4304152562525772, 0.744202204378833, 0.4304152562525772, 0.32763249349406076],
            rawScore: [0.5339627532331744, 0.5339627532331744, 0.5339627532331744, -0.35945627108380573, -0.14007856034245855, 0.5339627532331744, -0.14007856034245855, -0.35945627108380573],
            text: """
tree
version=v4
num_class=1
num_tree_per_iteration=1
label_index=0
max_feature_idx=2
objective=binary sigmoid:2
feature_names=Column_0 Column_1 Column_2
feature_infos=[-3.1199484617298703:3.6235676883680048] [-3.2744750252613533:2.4909064319567951] [-2.7881773967346191:2.490208765842763]

Tree=0
num_leaves=3
num_cat=0
split_feature=0 2
threshold=-0.20735841217669168 -0.21546110363972118
decision_type=8 8
left_child=-1 -2
right_child=1 -3
leaf_value=-0.16272991753577087 -0.047325453749989081 0.3317293671493029
is_linear=0
shrinkage=1


Tree=1
num_leaves=3
num_cat=0
split_feature=0 2
threshold=-0.46623027121882649 -0.21546110363972118
decision_type=8 8
left_child=-1 -2
right_child=1 -3
leaf_value=-0.19672635354803489 -0.092753106592469464 0.20223338608387151
is_linear=0
shrinkage=0.3


end of trees
"""),
        LightGBMReferenceCase(
            name: "crossEntropy", width: 1,
            predict: [0.5311698036235961, 0.5311698036235961, 0.5311698036235961, 0.38779175668654997, 0.5814525453104238, 0.5311698036235961, 0.4502016393004454, 0.38779175668654997],
            rawScore: [0.1248411027042002, 0.1248411027042002, 0.1248411027042002, -0.4566040055143429, 0.32873908542207053, 0.1248411027042002, -0.19985602435866837, -0.4566040055143429],
            text: """
tree
version=v4
num_class=1
num_tree_per_iteration=1
label_index=0
max_feature_idx=2
objective=cross_entropy
feature_names=Column_0 Column_1 Column_2
feature_infos=[-3.1199484617298703:3.6235676883680048] [-3.2744750252613533:2.4909064319567951] [-2.7881773967346191:2.490208765842763]

Tree=0
num_leaves=3
num_cat=0
split_feature=0 0
threshold=-0.060105549510567499 0.78255159718734257
decision_type=8 10
left_child=-1 -2
right_child=1 -3
leaf_value=-0.21852509463415173 0.10617203242871681 0.36945490308518192
is_linear=0
shrinkage=1


Tree=1
num_leaves=3
num_cat=0
split_feature=0 0
threshold=-0.43450935280642938 0.51892198026336211
decision_type=8 10
left_child=-1 -2
right_child=1 -3
leaf_value=-0.23807891088019117 0.018669070275483379 0.22256705299335375
is_linear=0
shrinkage=0.3


end of trees
"""),
        LightGBMReferenceCase(
            name: "crossEntropyLambda", width: 1,
            predict: [0.6510234457085536, 0.6510234457085536, 0.6510234457085536, 0.404445028664358, 0.7496161216988525, 0.6510234457085536, 0.5028597946769221, 0.404445028664358],
            rawScore: [-0.08610020902342815, -0.08610020902342815, -0.08610020902342815, -0.6962105458948953, 0.10991886257601563, -0.08610020902342815, -0.42549993653230767, -0.6962105458948953],
            text: """
tree
version=v4
num_class=1
num_tree_per_iteration=1
label_index=0
max_feature_idx=2
objective=cross_entropy_lambda
feature_names=Column_0 Column_1 Column_2
feature_infos=[-3.1199484617298703:3.6235676883680048] [-3.2744750252613533:2.4909064319567951] [-2.7881773967346191:2.490208765842763]

Tree=0
num_leaves=3
num_cat=0
split_feature=0 0
threshold=-0.060105549510567499 0.78255159718734257
decision_type=8 10
left_child=-1 -2
right_child=1 -3
leaf_value=-0.53209259769646722 -0.19269287018758768 0.082511697826127828
is_linear=0
shrinkage=1


Tree=1
num_leaves=3
num_cat=0
split_feature=0 0
threshold=-0.47620687942255119 0.50246270615571376
decision_type=8 10
left_child=-1 -2
right_child=1 -3
leaf_value=-0.16411794819842807 0.10659266116415954 0.30261173276360331
is_linear=0
shrinkage=0.3


end of trees
""")
    ]
}
