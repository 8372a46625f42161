// ONNX in and out: a TF.js layers model written as ONNX, and ONNX backbones read into TF.js layers.
export { layersModelToOnnx, ONNX_IO, type OnnxExportOptions } from './to-onnx.js';
export { decodeOnnx, OPSET } from './proto.js';
export { type ConvertedOnnx, type OnnxConvertOptions, onnxToLayersModel, SUPPORTED_OPS } from './from-onnx.js';
export { type OnnxSession, openOnnxSession } from './runtime.js';
