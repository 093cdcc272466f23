"""The networks of the labs: `nn.Module`s only, no data, training or probes.

- `resnet`       plain and residual CNNs of 6n+2 layers (He et al. 2016), `ResidualBlock`
- `features_cnn` the small CNN whose layers the `features` lab looks inside
- `recurrent`    fused RNN / LSTM / GRU nets and the hand-written cells that read their weights
- `seq2seq`      the GRU encoder-decoder, without attention and with dot or additive attention
- `transformer`  the encoder-decoder Transformer (Vaswani et al. 2017)
- `layers`       the convolutions the CNNs share
"""
