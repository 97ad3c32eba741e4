"""The figures' own text (titles, axes, legends), English and Chinese, registered on import. A
figure speaks Chinese only where a CJK font is installed (`demos.plots.figure_lang`)."""

from demos.i18n import register

EN = {
    # ResNet
    "fig_plain_nets": "plain networks",
    "fig_resnets": "ResNets",
    "fig_epoch": "epoch",
    "fig_error": "error (%)",
    "fig_train_test": "dashed: train, bold: test",
    "fig_train_step": "training step",
    "fig_train_loss_log": "training loss (log scale)",
    "fig_live_title": "{depth} layers: plain vs residual, same data, same steps",
    "fig_layer_first": "layer (1 = first conv)",
    "fig_grad_norm": "‖∂loss/∂W‖ (log scale)",
    "fig_layer_original": "layer index (original)",
    "fig_layer_sorted": "layer index (sorted by magnitude)",
    "fig_std": "std",
    "fig_shortcut": "identity\nshortcut x",
    "fig_block_basic": "basic block",
    "fig_block_bottleneck": "bottleneck block",
    "fig_block_basic_plain": "basic plain block",
    "fig_block_bottleneck_plain": "bottleneck plain block",
    # GAN
    "fig_step": "step",
    "fig_data": "data",
    "fig_sat_grad": "G's gradient norm",
    "fig_sat_where": "where G's samples are",
    "fig_sat_update": "G update",
    "fig_sat_mean": "mean of G(z)",
    "fig_sat_data": "data mean: 1.0",
    "fig_digit_axis": "digit (by the project's MNIST classifier)",
    "fig_share_samples": "% of samples",
    "fig_uniform": "10% (uniform)",
    "fig_target": "5% (target)",
    "fig_digits_title": "Which digits the generators draw (10,000 samples each)",
}

ZH = {
    "fig_plain_nets": "普通网络",
    "fig_resnets": "残差网络",
    "fig_epoch": "训练轮数（epoch）",
    "fig_error": "错误率（%）",
    "fig_train_test": "虚线：训练，粗线：测试",
    "fig_train_step": "训练步数",
    "fig_train_loss_log": "训练损失（对数坐标）",
    "fig_live_title": "{depth} 层：普通网络与残差网络，同样的数据、同样的步数",
    "fig_layer_first": "层（1 = 第一个卷积层）",
    "fig_grad_norm": "‖∂loss/∂W‖（对数坐标）",
    "fig_layer_original": "层序号（原顺序）",
    "fig_layer_sorted": "层序号（按大小排序）",
    "fig_std": "标准差",
    "fig_shortcut": "恒等\n捷径 x",
    "fig_block_basic": "基本块",
    "fig_block_bottleneck": "瓶颈块",
    "fig_block_basic_plain": "基本块（无捷径）",
    "fig_block_bottleneck_plain": "瓶颈块（无捷径）",
    "fig_step": "步",
    "fig_data": "数据",
    "fig_sat_grad": "G 的梯度范数",
    "fig_sat_where": "G 的样本所在位置",
    "fig_sat_update": "G 的更新次数",
    "fig_sat_mean": "G(z) 的均值",
    "fig_sat_data": "数据均值：1.0",
    "fig_digit_axis": "数字（由本项目的 MNIST 分类器判定）",
    "fig_share_samples": "样本占比（%）",
    "fig_uniform": "10%（均匀）",
    "fig_target": "5%（目标）",
    "fig_digits_title": "生成器画出的是哪些数字（各 10,000 个样本）",
}

register(EN, ZH)
