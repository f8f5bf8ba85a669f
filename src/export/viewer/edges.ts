// Edge programs sigma.js lacks: a dashed arrow (edges observed in traces but not in the code) and an outlined arrow
// (edges whose hardness the traces contradict). Both are sigma's clamped edge body — a rectangle that stops short of
// the target to leave room for the arrow head — with another fragment shader, drawn with sigma's own arrow head.
import type { Attributes } from "graphology-types";
import {
  createEdgeArrowHeadProgram,
  createEdgeCompoundProgram,
  DEFAULT_EDGE_ARROW_HEAD_PROGRAM_OPTIONS,
  EdgeProgram,
  type EdgeProgramType,
  type ProgramInfo,
} from "sigma/rendering";
import type { EdgeDisplayData, NodeDisplayData, RenderParams } from "sigma/types";
import { floatColor } from "sigma/utils";

const { UNSIGNED_BYTE, FLOAT } = WebGLRenderingContext;

/** Dash and gap, in CSS pixels along the edge on screen. */
const DASH = 8;
const GAP = 6;
/** The colour inside an outlined edge: the soft call's. */
const OUTLINE_INNER = [0x8a / 255, 0xa4 / 255, 0xc8 / 255];

const UNIFORMS = [
  "u_matrix",
  "u_zoomRatio",
  "u_sizeRatio",
  "u_correctionRatio",
  "u_pixelRatio",
  "u_feather",
  "u_minEdgeThickness",
  "u_lengthToThicknessRatio",
  "u_resolution",
] as const;

/** Room left for the arrow head, in edge thicknesses: the length sigma's arrow head program draws. */
const LENGTH_TO_THICKNESS = DEFAULT_EDGE_ARROW_HEAD_PROGRAM_OPTIONS.lengthToThicknessRatio;

// Sigma's clamped edge vertex shader, plus the distance along the edge in screen pixels (v_along).
const VERTEX_SHADER = /* glsl */ `
attribute vec4 a_id;
attribute vec4 a_color;
attribute vec2 a_normal;
attribute float a_normalCoef;
attribute vec2 a_positionStart;
attribute vec2 a_positionEnd;
attribute float a_positionCoef;
attribute float a_radius;
attribute float a_radiusCoef;

uniform mat3 u_matrix;
uniform float u_zoomRatio;
uniform float u_sizeRatio;
uniform float u_pixelRatio;
uniform float u_correctionRatio;
uniform float u_minEdgeThickness;
uniform float u_lengthToThicknessRatio;
uniform float u_feather;
uniform vec2 u_resolution;

varying vec4 v_color;
varying vec2 v_normal;
varying float v_thickness;
varying float v_feather;
varying float v_along;

const float bias = 255.0 / 254.0;

void main() {
  float minThickness = u_minEdgeThickness;
  float radius = a_radius * a_radiusCoef;
  vec2 normal = a_normal * a_normalCoef;
  vec2 position = a_positionStart * (1.0 - a_positionCoef) + a_positionEnd * a_positionCoef;
  float normalLength = length(normal);
  vec2 unitNormal = normal / normalLength;
  float pixelsThickness = max(normalLength, minThickness * u_sizeRatio);
  float webGLThickness = pixelsThickness * u_correctionRatio / u_sizeRatio;
  float direction = sign(radius);
  float webGLNodeRadius = direction * radius * 2.0 * u_correctionRatio / u_sizeRatio;
  float webGLArrowHeadLength = webGLThickness * u_lengthToThicknessRatio * 2.0;
  vec2 compensationVector = vec2(-direction * unitNormal.y, direction * unitNormal.x) * (webGLNodeRadius + webGLArrowHeadLength);
  gl_Position = vec4((u_matrix * vec3(position + unitNormal * webGLThickness + compensationVector, 1)).xy, 0, 1);

  // Screen pixels from the source along the edge: the vertex projected on the source-to-target line.
  vec2 start = (u_matrix * vec3(a_positionStart, 1)).xy * 0.5 * u_resolution;
  vec2 end = (u_matrix * vec3(a_positionEnd, 1)).xy * 0.5 * u_resolution;
  vec2 along = end - start;
  float alongLength = length(along);
  v_along = alongLength > 0.0 ? dot(gl_Position.xy * 0.5 * u_resolution - start, along / alongLength) : 0.0;

  v_thickness = webGLThickness / u_zoomRatio;
  v_normal = unitNormal;
  v_feather = u_feather * u_correctionRatio / u_zoomRatio / u_pixelRatio * 2.0;

  #ifdef PICKING_MODE
  v_color = a_id;
  #else
  v_color = a_color;
  #endif
  v_color.a *= bias;
}
`;

/** Dashed: the gaps are left out of the drawing, never out of picking, so a click on a gap still finds the edge. */
const DASHED_FRAGMENT_SHADER = /* glsl */ `
precision mediump float;

varying vec4 v_color;
varying vec2 v_normal;
varying float v_thickness;
varying float v_feather;
varying float v_along;

const vec4 transparent = vec4(0.0, 0.0, 0.0, 0.0);

void main(void) {
  #ifdef PICKING_MODE
  gl_FragColor = v_color;
  #else
  if (mod(v_along, ${(DASH + GAP).toFixed(1)}) > ${DASH.toFixed(1)}) discard;
  float dist = length(v_normal) * v_thickness;
  float t = smoothstep(v_thickness - v_feather, v_thickness, dist);
  gl_FragColor = mix(v_color, transparent, t);
  #endif
}
`;

/** Outlined: the edge's colour along both sides, the soft call's colour in the middle third. */
const OUTLINED_FRAGMENT_SHADER = /* glsl */ `
precision mediump float;

varying vec4 v_color;
varying vec2 v_normal;
varying float v_thickness;
varying float v_feather;
varying float v_along;

const vec4 transparent = vec4(0.0, 0.0, 0.0, 0.0);
const vec4 inner = vec4(${OUTLINE_INNER.map((value) => value.toFixed(4)).join(", ")}, 1.0);

void main(void) {
  #ifdef PICKING_MODE
  gl_FragColor = v_color;
  #else
  float across = length(v_normal);
  float dist = across * v_thickness;
  float t = smoothstep(v_thickness - v_feather, v_thickness, dist);
  vec4 color = across < 0.34 ? inner : v_color;
  gl_FragColor = mix(color, transparent, t);
  #endif
}
`;

function createEdgeBodyProgram<N extends Attributes, E extends Attributes>(fragmentShader: string): EdgeProgramType<N, E> {
  return class EdgeBodyProgram extends EdgeProgram<(typeof UNIFORMS)[number], N, E> {
    getDefinition() {
      return {
        VERTICES: 6,
        VERTEX_SHADER_SOURCE: VERTEX_SHADER,
        FRAGMENT_SHADER_SOURCE: fragmentShader,
        METHOD: WebGLRenderingContext.TRIANGLES,
        UNIFORMS,
        ATTRIBUTES: [
          { name: "a_positionStart", size: 2, type: FLOAT },
          { name: "a_positionEnd", size: 2, type: FLOAT },
          { name: "a_normal", size: 2, type: FLOAT },
          { name: "a_color", size: 4, type: UNSIGNED_BYTE, normalized: true },
          { name: "a_id", size: 4, type: UNSIGNED_BYTE, normalized: true },
          { name: "a_radius", size: 1, type: FLOAT },
        ],
        CONSTANT_ATTRIBUTES: [
          // 0: the source end, 1: the target end; which side of the edge; whether to stop short of the target.
          { name: "a_positionCoef", size: 1, type: FLOAT },
          { name: "a_normalCoef", size: 1, type: FLOAT },
          { name: "a_radiusCoef", size: 1, type: FLOAT },
        ],
        CONSTANT_DATA: [
          [0, 1, 0],
          [0, -1, 0],
          [1, 1, 1],
          [1, 1, 1],
          [0, -1, 0],
          [1, -1, -1],
        ],
      };
    }

    processVisibleItem(edgeIndex: number, startIndex: number, sourceData: NodeDisplayData, targetData: NodeDisplayData, data: EdgeDisplayData): void {
      const thickness = data.size || 1;
      const dx = targetData.x - sourceData.x;
      const dy = targetData.y - sourceData.y;
      const squared = dx * dx + dy * dy;
      const inverse = squared > 0 ? 1 / Math.sqrt(squared) : 0;
      const array = this.array;
      array[startIndex++] = sourceData.x;
      array[startIndex++] = sourceData.y;
      array[startIndex++] = targetData.x;
      array[startIndex++] = targetData.y;
      array[startIndex++] = -dy * inverse * thickness;
      array[startIndex++] = dx * inverse * thickness;
      array[startIndex++] = floatColor(data.color);
      array[startIndex++] = edgeIndex;
      array[startIndex++] = targetData.size || 1;
    }

    setUniforms(params: RenderParams, { gl, uniformLocations }: ProgramInfo): void {
      gl.uniformMatrix3fv(uniformLocations.u_matrix, false, params.matrix);
      gl.uniform1f(uniformLocations.u_zoomRatio, params.zoomRatio);
      gl.uniform1f(uniformLocations.u_sizeRatio, params.sizeRatio);
      gl.uniform1f(uniformLocations.u_correctionRatio, params.correctionRatio);
      gl.uniform1f(uniformLocations.u_pixelRatio, params.pixelRatio);
      gl.uniform1f(uniformLocations.u_feather, params.antiAliasingFeather);
      gl.uniform1f(uniformLocations.u_minEdgeThickness, params.minEdgeThickness);
      gl.uniform1f(uniformLocations.u_lengthToThicknessRatio, LENGTH_TO_THICKNESS);
      gl.uniform2f(uniformLocations.u_resolution, params.width, params.height);
    }
  };
}

/** A dashed arrow. */
export function createEdgeDashedArrowProgram<N extends Attributes, E extends Attributes>(): EdgeProgramType<N, E> {
  return createEdgeCompoundProgram<N, E>([createEdgeBodyProgram<N, E>(DASHED_FRAGMENT_SHADER), createEdgeArrowHeadProgram<N, E>()]);
}

/** An arrow drawn in its colour along both sides, with a light middle. */
export function createEdgeOutlinedArrowProgram<N extends Attributes, E extends Attributes>(): EdgeProgramType<N, E> {
  return createEdgeCompoundProgram<N, E>([createEdgeBodyProgram<N, E>(OUTLINED_FRAGMENT_SHADER), createEdgeArrowHeadProgram<N, E>()]);
}
